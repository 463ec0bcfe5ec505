import { registerMcpServer } from '../../api/registry.api';
import { Field, SelectField } from '../../components/field';
import { FormCard } from '../../components/form-card';
import { RegistryInputs } from '../../components/registry-inputs';
import { mcpServerBody, type McpServerDraft } from '../../lib/registry-forms';
import { useBodyForm } from '../../lib/use-body-form';

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
  const form = useBodyForm(EMPTY, mcpServerBody, async (body) => {
    const server = await registerMcpServer(body);
    onRegistered(server.server_id);
  });
  const { bind, errors } = form;
  return (
    <FormCard
      title="Register an MCP server"
      submitLabel="Register"
      onSubmit={form.submit}
      onCancel={onCancel}
      pending={form.pending}
      error={form.error}
    >
      <Field label="Server name" {...bind('name')} error={errors.server_name} required />
      <Field
        label="Server id"
        {...bind('id')}
        error={errors.server_id}
        hint="Lower case; empty: derived from the name."
      />
      <Field label="URL" type="url" {...bind('url')} error={errors.url} required />
      <SelectField
        label="Transport"
        {...bind('transport')}
        options={[
          { value: 'streamable_http', label: 'Streamable HTTP' },
          { value: 'sse', label: 'HTTP + SSE (legacy)' },
        ]}
      />
      <RegistryInputs bind={bind} apiKeyHeader={bind('apiKeyHeader')} errors={errors} />
    </FormCard>
  );
}
