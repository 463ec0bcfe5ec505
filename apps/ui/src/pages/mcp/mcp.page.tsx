import { useState } from 'react';
import { GatewayError } from '../../api/gateway-error';
import { listMcpServers, listMcpTools, mcpHealth, removeMcpServer } from '../../api/registry.api';
import { ErrorNotice, InfoNotice, Loading, StatusMessage } from '../../components/notice';
import { Page, Section } from '../../components/page';
import { useAction } from '../../lib/use-action';
import { useResource } from '../../lib/use-resource';
import { McpServerForm } from './mcp-server.form';
import { McpServersTable } from './mcp-servers-table';
import { McpToolsPanel } from './mcp-tools.panel';

export function McpPage() {
  const servers = useResource('mcp-servers', listMcpServers);
  const [healthKey, setHealthKey] = useState(0);
  const health = useResource(`mcp-health:${healthKey}`, mcpHealth);
  const tools = useResource('mcp-tools', listMcpTools);
  const [registering, setRegistering] = useState(false);
  const [status, setStatus] = useState('');
  const refresh = (): void => {
    servers.reload();
    tools.reload();
    setHealthKey((k) => k + 1);
  };
  const remove = useAction(async (id: string) => {
    await removeMcpServer(id);
    setStatus(`Server ${id} removed.`);
    refresh();
  });

  const disabled =
    servers.error instanceof GatewayError && servers.error.code === 'mcp_gateway_disabled';
  return (
    <Page
      title="MCP"
      description="Upstream MCP servers, their health and tools; register and remove servers, try a tool."
      actions={
        disabled ? null : (
          <button
            type="button"
            className="primary"
            aria-expanded={registering}
            onClick={() => setRegistering(true)}
          >
            Register server
          </button>
        )
      }
    >
      {disabled ? (
        <InfoNotice>
          The MCP gateway is off on this gateway. <code>MCP_GATEWAY_ENABLED=true</code> turns it on.
        </InfoNotice>
      ) : (
        <>
          <StatusMessage>{status}</StatusMessage>
          <ErrorNotice error={remove.error} title="Not removed" />
          {registering ? (
            <McpServerForm
              onRegistered={(id) => {
                setRegistering(false);
                setStatus(`Server ${id} registered.`);
                refresh();
              }}
              onCancel={() => setRegistering(false)}
            />
          ) : null}
          <Section
            title="Servers"
            actions={
              <button type="button" onClick={refresh}>
                Check health
              </button>
            }
          >
            <ErrorNotice error={servers.error} title="Servers" />
            <ErrorNotice error={health.error} title="Health" />
            {servers.loading && !servers.data ? <Loading what="servers" /> : null}
            {servers.data?.servers.length === 0 ? (
              <InfoNotice>No MCP servers registered.</InfoNotice>
            ) : null}
            {servers.data?.servers.length ? (
              <McpServersTable
                servers={servers.data.servers}
                health={health.data?.servers}
                tools={tools.data?.tools}
                onRemove={(id) => void remove.run(id)}
              />
            ) : null}
          </Section>
          <McpToolsPanel tools={tools.data?.tools} error={tools.error} />
        </>
      )}
    </Page>
  );
}
