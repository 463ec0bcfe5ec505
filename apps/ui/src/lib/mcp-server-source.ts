import type { McpServer } from '../api/api.types';

/** Why a config server has no remove action: the gateway refuses to change or delete it. */
export const CONFIG_SERVER_NOTE = 'Defined in the config file; change it there and reload.';

export interface McpServerSourceView {
  /** The Source column's text. */
  readonly label: 'config file' | 'API';
  /** Edits and removal go through the file (the API answers 409 mcp_server_managed_by_config). */
  readonly managedByConfig: boolean;
}

export function mcpServerSource(server: Pick<McpServer, 'source'>): McpServerSourceView {
  return server.source === 'config'
    ? { label: 'config file', managedByConfig: true }
    : { label: 'API', managedByConfig: false };
}
