import type { McpServerRecord } from '@routeiq/persistence';
import type { McpToolEntry } from '../catalog/mcp-catalog.types';
import { mayUseServer, mayUseTool, type McpCallerAccess } from './mcp-server-access';

/**
 * Ids of the enabled servers among `servers` the caller may use; undefined when the caller is
 * unrestricted (every server, so catalog listings need no id list).
 */
export function usableServerIds(
  access: McpCallerAccess,
  servers: readonly McpServerRecord[],
): string[] | undefined {
  if (access.unrestricted) return undefined;
  return servers
    .filter((server) => server.enabled && mayUseServer(access, server))
    .map((server) => server.serverId);
}

/**
 * The tools of `tools` the caller may call: its server is usable and the key's and team's tool
 * lists for that server (when they have one) name the tool. `serverOf` resolves a server id.
 */
export function visibleTools(
  access: McpCallerAccess,
  tools: readonly McpToolEntry[],
  serverOf: (serverId: string) => McpServerRecord | undefined,
): McpToolEntry[] {
  if (access.unrestricted) return [...tools];
  return tools.filter((tool) => {
    const server = serverOf(tool.serverId);
    return server !== undefined && mayUseTool(access, server, tool.name);
  });
}
