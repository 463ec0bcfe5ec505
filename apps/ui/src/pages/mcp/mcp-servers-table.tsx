import type { McpServer, McpServerHealth, McpTool } from '../../api/api.types';
import { ConfirmButton } from '../../components/confirm-button';
import { DataTable } from '../../components/data-table';
import { formatMs } from '../../lib/format';
import {
  CONFIG_SERVER_NOTE,
  mcpServerSource,
  type McpServerSourceView,
} from '../../lib/mcp-server-source';

interface McpServersTableProps {
  readonly servers: readonly McpServer[];
  readonly health: readonly McpServerHealth[] | undefined;
  /** The discovered tools: counted per server when the health probe has no count yet. */
  readonly tools: readonly McpTool[] | undefined;
  readonly onRemove: (id: string) => void;
}

export function McpServersTable({ servers, health, tools, onRemove }: McpServersTableProps) {
  const byId = new Map(health?.map((h) => [h.server_id, h]) ?? []);
  const toolCounts = new Map<string, number>();
  for (const tool of tools ?? []) {
    toolCounts.set(tool.server_id, (toolCounts.get(tool.server_id) ?? 0) + 1);
  }
  return (
    <DataTable
      testId="mcp-servers"
      caption="Registered servers"
      columns={[
        'Server',
        'Source',
        'Transport · URL',
        'Auth',
        'Access groups',
        'Health',
        'Tools',
        'Actions',
      ]}
    >
      {servers.map((server) => {
        const probe = byId.get(server.server_id);
        const source = mcpServerSource(server);
        return (
          <tr key={server.server_id}>
            <th scope="row">
              {server.server_name}
              <div className="muted mono">{server.server_id}</div>
            </th>
            <td>
              <SourceBadge source={source} />
            </td>
            <td>
              {server.transport}
              <div className="muted mono">{server.url ?? '—'}</div>
            </td>
            <td>
              {server.auth_type}
              {server.has_credentials ? ' (credential stored)' : ''}
            </td>
            <td>{server.mcp_access_groups.join(', ') || '—'}</td>
            <td>
              <HealthBadge probe={probe} enabled={server.enabled} />
            </td>
            <td>{probe?.tool_count ?? toolCounts.get(server.server_id) ?? '—'}</td>
            <td className="row-actions">
              {source.managedByConfig ? (
                <span className="muted row-note">{CONFIG_SERVER_NOTE}</span>
              ) : (
                <ConfirmButton
                  label="Remove"
                  ariaLabel={`Remove server ${server.server_id}`}
                  title={`Remove server ${server.server_name}?`}
                  confirmLabel="Remove server"
                  danger
                  onConfirm={() => onRemove(server.server_id)}
                >
                  <p>Its tools disappear for every client at once.</p>
                </ConfirmButton>
              )}
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}

function SourceBadge({ source }: { readonly source: McpServerSourceView }) {
  return source.managedByConfig ? (
    <span className="badge badge-info">{source.label}</span>
  ) : (
    <span className="muted">{source.label}</span>
  );
}

function HealthBadge({
  probe,
  enabled,
}: {
  readonly probe: McpServerHealth | undefined;
  readonly enabled: boolean;
}) {
  if (!enabled) return <span className="badge badge-off">disabled</span>;
  if (!probe) return <span className="muted">not checked</span>;
  const tone = probe.status === 'healthy' ? 'ok' : probe.status === 'disabled' ? 'off' : 'bad';
  return (
    <>
      <span className={`badge badge-${tone}`}>{probe.status}</span>{' '}
      <span className="muted">
        {probe.status === 'healthy' ? formatMs(probe.latency_ms) : (probe.error ?? '')}
      </span>
    </>
  );
}
