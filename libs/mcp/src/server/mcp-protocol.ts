/** Protocol versions a client may negotiate with `initialize` on `/mcp`, newest first. */
export const SESSION_PROTOCOL_VERSIONS: readonly string[] = [
  '2025-11-25',
  '2025-06-18',
  '2025-03-26',
];

/** The HTTP+SSE transport's own revision, also accepted at `initialize` over `/mcp/sse`. */
export const LEGACY_SSE_PROTOCOL_VERSION = '2024-11-05';

/** The stateless revision: no `initialize`, the version travels in each request's `_meta`. */
export const STATELESS_PROTOCOL_VERSION = '2026-07-28';

/** Everything the endpoint speaks (what `server/discover` and error data list). */
export const ENDPOINT_PROTOCOL_VERSIONS: readonly string[] = [
  STATELESS_PROTOCOL_VERSION,
  ...SESSION_PROTOCOL_VERSIONS,
];

export const MCP_SERVER_INFO = { name: 'routeiq-gateway', version: '0.1.0' } as const;

/** The gateway never pushes list changes: listings are computed per request. */
export const MCP_SERVER_CAPABILITIES = {
  tools: { listChanged: false },
  resources: {},
  prompts: {},
  completions: {},
} as const;

/** Request and response headers of the Streamable HTTP transport (lower case, as Node has them). */
export const McpHeader = {
  SessionId: 'mcp-session-id',
  ProtocolVersion: 'mcp-protocol-version',
  Method: 'mcp-method',
  Name: 'mcp-name',
} as const;

/** `params._meta` keys of the stateless revision. */
export const McpMetaKey = {
  ProtocolVersion: 'io.modelcontextprotocol/protocolVersion',
  ClientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  ClientInfo: 'io.modelcontextprotocol/clientInfo',
} as const;

/** The client's version when this side supports it, otherwise the newest of `supported`. */
export function negotiateProtocolVersion(requested: string, supported: readonly string[]): string {
  return supported.includes(requested) ? requested : (supported[0] ?? requested);
}

/** JSON-RPC batches were part of MCP from 2025-03-26 until 2025-06-18 removed them. */
export function allowsBatches(protocolVersion: string | undefined): boolean {
  return protocolVersion === '2025-03-26' || protocolVersion === LEGACY_SSE_PROTOCOL_VERSION;
}

/** From 2025-06-18 on, requests after `initialize` carry `MCP-Protocol-Version`. */
export function expectsVersionHeader(protocolVersion: string | undefined): boolean {
  return protocolVersion !== undefined && protocolVersion >= '2025-06-18';
}
