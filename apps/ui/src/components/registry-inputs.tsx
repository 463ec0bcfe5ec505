import type { Errors } from '../lib/governance-form';
import type { Binding } from '../lib/use-draft';
import { Field, SelectField } from './field';

type SharedField = 'description' | 'accessGroups' | 'authType' | 'authValue';

interface RegistryInputsProps {
  readonly bind: (field: SharedField) => Binding;
  /** Offers "API key header" auth (and its header name) when given. */
  readonly apiKeyHeader?: Binding;
  readonly errors: Errors;
}

/**
 * The fields MCP servers and A2A agents share: description, access groups, and how the gateway
 * authenticates upstream (the credential is write-only).
 */
export function RegistryInputs({ bind, apiKeyHeader, errors }: RegistryInputsProps) {
  const authType = bind('authType');
  return (
    <>
      <Field label="Description" {...bind('description')} error={errors.description} />
      <Field label="Access groups" {...bind('accessGroups')} hint="Comma-separated." />
      <SelectField
        label="Upstream auth"
        {...authType}
        options={[
          { value: 'none', label: 'None' },
          { value: 'bearer_token', label: 'Bearer token' },
          ...(apiKeyHeader === undefined ? [] : [{ value: 'api_key', label: 'API key header' }]),
        ]}
      />
      {authType.value === 'none' ? null : (
        <Field
          label="Credential"
          type="password"
          {...bind('authValue')}
          error={errors.auth}
          hint="Stored by the gateway and never shown again."
        />
      )}
      {authType.value === 'api_key' && apiKeyHeader !== undefined ? (
        <Field label="API key header" {...apiKeyHeader} hint="Default X-API-Key." />
      ) : null}
    </>
  );
}
