import { useState } from 'react';
import { listMcpServers, listMcpTools, mcpHealth, removeMcpServer } from '../../api/registry.api';
import { ErrorNotice } from '../../components/notice';
import { Section } from '../../components/page';
import { RegistryPage } from '../../components/registry-page';
import { ResourceList } from '../../components/resource-list';
import { useRegistry } from '../../lib/use-registry';
import { useResource } from '../../lib/use-resource';
import { McpServerForm } from './mcp-server.form';
import { McpServersTable } from './mcp-servers-table';
import { McpToolsPanel } from './mcp-tools.panel';

export function McpPage() {
  const servers = useResource('mcp-servers', listMcpServers);
  const [healthKey, setHealthKey] = useState(0);
  const health = useResource(`mcp-health:${healthKey}`, mcpHealth);
  const tools = useResource('mcp-tools', listMcpTools);
  const refresh = (): void => {
    servers.reload();
    tools.reload();
    setHealthKey((k) => k + 1);
  };
  const registry = useRegistry('Server', removeMcpServer, refresh);

  return (
    <RegistryPage
      title="MCP"
      description="Upstream MCP servers, their health and tools; register and remove servers, try a tool."
      registerLabel="Register server"
      registry={registry}
      listError={servers.error}
      offCode="mcp_gateway_disabled"
      flag="MCP_GATEWAY_ENABLED"
      form={
        <McpServerForm
          onRegistered={registry.registered}
          onCancel={() => registry.setRegistering(false)}
        />
      }
    >
      <Section
        title="Servers"
        actions={
          <button type="button" onClick={refresh}>
            Check health
          </button>
        }
      >
        <ErrorNotice error={health.error} title="Health" />
        <ResourceList
          resource={servers}
          title="Servers"
          what="servers"
          empty="No MCP servers registered."
          items={(data) => data.servers}
        >
          {(items) => (
            <McpServersTable
              servers={items}
              health={health.data?.servers}
              tools={tools.data?.tools}
              onRemove={(id) => void registry.remove.run(id)}
            />
          )}
        </ResourceList>
      </Section>
      <McpToolsPanel tools={tools.data?.tools} error={tools.error} />
    </RegistryPage>
  );
}
