import { MASKED_VALUE, maskValues } from '@routeiq/common';
import type {
  McpAuthType,
  McpServerRecord,
  McpServerSource,
  McpTransport,
} from '@routeiq/persistence';

/** What a view shows instead of a static header or environment value. */
export { MASKED_VALUE };

/**
 * Who sees the view: `manager` (admin, or a key holding `mcp.server.write`) sees how the gateway
 * reaches the server; `user` sees the server's origin only, since a URL path or process argument
 * may itself be a credential.
 */
export type McpViewAudience = 'manager' | 'user';

/** A registered server as the REST API shows it (LiteLLM-like snake_case); never the credential. */
export interface McpServerView {
  server_id: string;
  server_name: string;
  /** LiteLLM's display alias: the server name. */
  alias: string;
  description: string | null;
  url: string | null;
  transport: McpTransport;
  auth_type: McpAuthType;
  api_key_header: string | null;
  has_credentials: boolean;
  /** Header names with masked values. */
  static_headers: Record<string, string>;
  mcp_access_groups: string[];
  allowed_tools: string[];
  command: string | null;
  args: string[];
  /** Variable names with masked values. */
  env: Record<string, string>;
  timeout_ms: number | null;
  enabled: boolean;
  /** `config` when the config file's `mcp_servers` defines it (the API may not change it). */
  source: McpServerSource;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  updated_by: string | null;
}

export function toMcpServerView(
  record: McpServerRecord,
  audience: McpViewAudience = 'manager',
): McpServerView {
  const manager = audience === 'manager';
  return {
    server_id: record.serverId,
    server_name: record.serverName,
    alias: record.serverName,
    description: record.description,
    url: manager ? record.url : originOf(record.url),
    transport: record.transport,
    auth_type: record.authType,
    api_key_header: record.authType === 'api_key' ? (record.apiKeyHeader ?? 'X-API-Key') : null,
    has_credentials: record.authValue !== null && record.authValue !== '',
    static_headers: maskValues(record.staticHeaders),
    mcp_access_groups: [...record.accessGroups],
    allowed_tools: [...record.allowedTools],
    command: manager ? record.command : null,
    args: manager ? [...record.args] : [],
    env: manager ? maskValues(record.env) : {},
    timeout_ms: record.timeoutMs,
    enabled: record.enabled,
    source: record.source,
    created_at: iso(record.createdAt),
    updated_at: iso(record.updatedAt),
    created_by: record.createdBy,
    updated_by: record.updatedBy,
  };
}

function originOf(url: string | null): string | null {
  if (url === null) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

// Drivers hand some timestamp columns back as strings.
function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
