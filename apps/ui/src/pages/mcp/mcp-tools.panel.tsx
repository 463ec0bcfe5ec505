import { useState, type FormEvent } from 'react';
import type { McpTool } from '../../api/api.types';
import { GatewayError } from '../../api/gateway-error';
import { callMcpTool } from '../../api/registry.api';
import { DataTable } from '../../components/data-table';
import { Field, SelectField } from '../../components/field';
import { ErrorNotice, InfoNotice, StatusMessage } from '../../components/notice';
import { JsonBlock, Section } from '../../components/page';
import { parseJsonObject } from '../../lib/form-validation';
import { useAction } from '../../lib/use-action';

interface McpToolsPanelProps {
  readonly tools: readonly McpTool[] | undefined;
  readonly error: unknown;
}

/** A starting arguments object from a tool's input schema: each property with an empty value. */
function argumentsTemplate(tool: McpTool | undefined): string {
  const properties = tool?.input_schema.properties;
  if (typeof properties !== 'object' || properties === null) return '{}';
  return JSON.stringify(
    Object.fromEntries(Object.keys(properties).map((name) => [name, ''])),
    null,
    2,
  );
}

export function McpToolsPanel({ tools, error }: McpToolsPanelProps) {
  const [selected, setSelected] = useState('');
  const tool = tools?.find((t) => t.name === selected) ?? tools?.[0];
  return (
    <Section title="Tools">
      <ErrorNotice error={error} title="Tools" />
      {tools?.length === 0 ? <InfoNotice>No tools discovered.</InfoNotice> : null}
      {tools?.length ? (
        <>
          <DataTable
            testId="mcp-tools"
            caption="Discovered tools (named server.tool)"
            columns={['Tool', 'Server', 'Description']}
          >
            {tools.map((t) => (
              <tr key={t.name}>
                <th scope="row" className="mono">
                  {t.name}
                </th>
                <td>{t.server_id}</td>
                <td>
                  {t.title ? `${t.title}: ` : ''}
                  {t.description}
                </td>
              </tr>
            ))}
          </DataTable>
          <ToolCallForm key={tool?.name} tools={tools} tool={tool} onSelect={setSelected} />
        </>
      ) : null}
    </Section>
  );
}

function ToolCallForm(props: {
  readonly tools: readonly McpTool[];
  readonly tool: McpTool | undefined;
  readonly onSelect: (name: string) => void;
}) {
  const [args, setArgs] = useState(() => argumentsTemplate(props.tool));
  const [argsError, setArgsError] = useState<string | undefined>();
  const call = useAction(callMcpTool);
  const [result, setResult] = useState<unknown>(null);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const parsed = parseJsonObject(args);
    setArgsError(parsed.ok ? undefined : parsed.error);
    if (!parsed.ok || !props.tool) return;
    setResult(null);
    const answer = await call.run(props.tool.name, parsed.value);
    if (answer) setResult(answer.result);
  };

  const disabled =
    call.error instanceof GatewayError && call.error.code === 'tool_invocation_disabled';
  return (
    <form onSubmit={(event) => void submit(event)} aria-label="Try a tool" noValidate>
      <h3>Try a tool</h3>
      <SelectField
        label="Tool"
        value={props.tool?.name ?? ''}
        onChange={props.onSelect}
        options={props.tools.map((t) => ({ value: t.name, label: t.name }))}
      />
      <Field
        label="Arguments (JSON)"
        value={args}
        onChange={setArgs}
        multiline
        rows={6}
        monospace
        error={argsError}
      />
      <button type="submit" className="primary" disabled={call.pending}>
        Call tool
      </button>
      {disabled ? (
        <div role="alert" className="notice notice-info">
          Tool calls are disabled on this gateway (501):{' '}
          {call.error instanceof Error ? call.error.message : ''}{' '}
          <code>LLMROUTER_ENABLE_MCP_TOOL_INVOCATION=true</code> allows them.
        </div>
      ) : (
        <ErrorNotice error={call.error} title="Tool call failed" />
      )}
      <StatusMessage>{result ? 'Tool call answered.' : ''}</StatusMessage>
      {result ? <JsonBlock value={result} label="Tool result" /> : null}
    </form>
  );
}
