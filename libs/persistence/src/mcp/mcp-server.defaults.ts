import type { McpServerRecord } from './mcp-server.types';

/** Every setting a server has when its registration does not name it (fresh objects each call). */
export type McpServerSettings = Omit<
  McpServerRecord,
  'serverId' | 'serverName' | 'url' | 'createdBy' | 'updatedBy' | 'createdAt' | 'updatedAt'
>;

export function mcpServerDefaults(): McpServerSettings {
  return {
    description: null,
    transport: 'streamable_http',
    command: null,
    args: [],
    env: {},
    authType: 'none',
    authValue: null,
    apiKeyHeader: null,
    staticHeaders: {},
    accessGroups: [],
    allowedTools: [],
    timeoutMs: null,
    enabled: true,
    source: 'api',
  };
}
