import { useState, type FormEvent } from 'react';
import { registerMcpServer } from '../../api/registry.api';
import { AuthInputs } from '../../components/auth-inputs';
import { Field, SelectField } from '../../components/field';
import { ErrorNotice } from '../../components/notice';
import type { Errors } from '../../lib/governance-form';
import { mcpServerBody, type AuthType, type McpServerDraft } from '../../lib/registry-forms';
import { useAction } from '../../lib/use-action';

const EMPTY: McpServerDraft = {
  name: '',
  id: '',
  url: '',
  transport: 'streamable_http',
  description: '',
  authType: 'none',
  authValue: '',
  apiKeyHeader: '',
  accessGroups: '',
};

interface McpServerFormProps {
  readonly onRegistered: (id: string) => void;
  readonly onCancel: () => void;
}

/** Registers an upstream MCP server (HTTP transports; stdio servers are config-only here). */
export function McpServerForm({ onRegistered, onCancel }: McpServerFormProps) {
  const [draft, setDraft] = useState<McpServerDraft>(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const register = useAction(async (body: Record<string, unknown>) => {
    const server = await registerMcpServer(body);
    onRegistered(server.server_id);
  });
  const set = (field: keyof McpServerDraft) => (value: string) =>
    setDraft({ ...draft, [field]: value });

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const result = mcpServerBody(draft);
    setErrors(result.errors ?? {});
    if (result.body) void register.run(result.body);
  };

  return (
    <form className="card" onSubmit={submit} aria-label="Register an MCP server" noValidate>
      <h2>Register an MCP server</h2>
      <ErrorNotice error={register.error} title="The gateway refused" />
      <div className="form-grid">
        <Field
          label="Server name"
          value={draft.name}
          onChange={set('name')}
          error={errors.server_name}
          required
        />
        <Field
          label="Server id"
          value={draft.id}
          onChange={set('id')}
          error={errors.server_id}
          hint="Lower case; empty: derived from the name."
        />
        <Field
          label="URL"
          type="url"
          value={draft.url}
          onChange={set('url')}
          error={errors.url}
          required
        />
        <SelectField
          label="Transport"
          value={draft.transport}
          onChange={set('transport')}
          options={[
            { value: 'streamable_http', label: 'Streamable HTTP' },
            { value: 'sse', label: 'HTTP + SSE (legacy)' },
          ]}
        />
        <Field
          label="Description"
          value={draft.description}
          onChange={set('description')}
          error={errors.description}
        />
        <Field
          label="Access groups"
          value={draft.accessGroups}
          onChange={set('accessGroups')}
          hint="Comma-separated."
        />
        <AuthInputs
          authType={draft.authType}
          authValue={draft.authValue}
          apiKeyHeader={draft.apiKeyHeader}
          error={errors.auth}
          onChange={(field, value) =>
            setDraft({ ...draft, [field]: field === 'authType' ? (value as AuthType) : value })
          }
        />
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={register.pending}>
          Register
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
