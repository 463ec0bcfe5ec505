import { Field, SelectField } from './field';

interface AuthInputsProps {
  readonly authType: string;
  readonly authValue: string;
  readonly apiKeyHeader?: string;
  readonly error?: string | undefined;
  readonly onChange: (field: 'authType' | 'authValue' | 'apiKeyHeader', value: string) => void;
}

/** How the gateway authenticates upstream; the credential is write-only. */
export function AuthInputs({
  authType,
  authValue,
  apiKeyHeader,
  error,
  onChange,
}: AuthInputsProps) {
  return (
    <>
      <SelectField
        label="Upstream auth"
        value={authType}
        onChange={(value) => onChange('authType', value)}
        options={[
          { value: 'none', label: 'None' },
          { value: 'bearer_token', label: 'Bearer token' },
          ...(apiKeyHeader === undefined ? [] : [{ value: 'api_key', label: 'API key header' }]),
        ]}
      />
      {authType === 'none' ? null : (
        <Field
          label="Credential"
          type="password"
          value={authValue}
          onChange={(value) => onChange('authValue', value)}
          error={error}
          hint="Stored by the gateway and never shown again."
        />
      )}
      {authType === 'api_key' && apiKeyHeader !== undefined ? (
        <Field
          label="API key header"
          value={apiKeyHeader}
          onChange={(value) => onChange('apiKeyHeader', value)}
          hint="Default X-API-Key."
        />
      ) : null}
    </>
  );
}
