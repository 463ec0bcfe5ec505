/** Shape of an MCP server id: a slug that is also the namespace of its tools (`{id}.{tool}`). */
export const MCP_SERVER_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function isMcpServerId(value: string): boolean {
  return MCP_SERVER_ID_PATTERN.test(value);
}
