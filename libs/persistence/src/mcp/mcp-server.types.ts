/** How the gateway reaches an upstream MCP server. */
export type McpTransport = 'streamable_http' | 'sse' | 'stdio';

/** Credential the gateway sends to an upstream MCP server (besides its static headers). */
export type McpAuthType = 'none' | 'bearer_token' | 'api_key';

/**
 * Where a server was registered: `api` (the admin API) or `config` (the config file's
 * `mcp_servers`, kept in step with the file; the API may not change it).
 */
export type McpServerSource = 'api' | 'config';

/** One registered upstream MCP server. */
export interface McpServerRecord {
  /** Slug `[a-z0-9][a-z0-9_-]{0,63}`: the server's id and the namespace of its tools (`{id}.{tool}`). */
  serverId: string;
  /** Display name. */
  serverName: string;
  description: string | null;
  transport: McpTransport;
  /** http(s) URL for `streamable_http` and `sse`; null for `stdio`. */
  url: string | null;
  /** `stdio` only: the executable, its arguments and extra environment. */
  command: string | null;
  args: string[];
  env: Record<string, string>;
  authType: McpAuthType;
  /** The bearer token or API key. A secret: never in a view, a log line or an audit record. */
  authValue: string | null;
  /** Header that carries the API key for `api_key` (default `X-API-Key`). */
  apiKeyHeader: string | null;
  /** Sent on every upstream request; values may be secrets (views mask them). */
  staticHeaders: Record<string, string>;
  /** Access groups the server belongs to (keys and teams are granted groups). */
  accessGroups: string[];
  /** Upstream tool names exposed through the gateway; empty means every discovered tool. */
  allowedTools: string[];
  /** Per-call timeout; null means `MCP_TOOL_CALL_TIMEOUT_MS`. */
  timeoutMs: number | null;
  enabled: boolean;
  source: McpServerSource;
  /** Key id of the admin or user key that created / last changed it. */
  createdBy: string | null;
  updatedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type McpServerInput = Omit<McpServerRecord, 'createdAt' | 'updatedAt'>;

export type McpServerPatch = Partial<
  Omit<McpServerRecord, 'serverId' | 'source' | 'createdAt' | 'createdBy' | 'updatedAt'>
>;

/**
 * MCP access of a key or team. A holder with no servers and no access groups may use every
 * server; otherwise a server is usable when listed or in a listed access group. `tools` narrows a
 * server to the named upstream tools (globs allowed) when it has an entry.
 */
export interface McpPermissions {
  servers: string[];
  accessGroups: string[];
  tools: Record<string, string[]>;
}

export const NO_MCP_RESTRICTIONS: Readonly<McpPermissions> = Object.freeze({
  servers: [],
  accessGroups: [],
  tools: {},
});
