import { CommonException, type GatewayResponse } from '@routeiq/common';
import { NAMESPACE_SEPARATOR, qualifiedName } from '../catalog/mcp-catalog.types';

/** A tool call as a REST body names it. */
export interface ToolCallRequest {
  /** `{serverId}.{name}`. */
  readonly name: string;
  readonly args: unknown;
}

/**
 * `POST /llmrouter/mcp/tools/call` `{ tool_name | name, arguments }`, and LiteLLM's
 * `POST /mcp-rest/tools/call` `{ name, arguments, server_name? }` (`server_name` is the server id,
 * prefixed to a name that does not carry it yet). Arguments are checked by the tool's schema.
 */
export function parseToolCallBody(body: unknown): ToolCallRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw CommonException.invalidRequest('The request body must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const name = fields.tool_name ?? fields.name;
  if (typeof name !== 'string' || name.length === 0) {
    throw CommonException.invalidRequest('"tool_name" (or "name") is required', 'tool_name');
  }
  const server = fields.server_name;
  if (server !== undefined && server !== null && typeof server !== 'string') {
    throw CommonException.invalidRequest('"server_name" must be a string', 'server_name');
  }
  const prefixed = server && !name.startsWith(`${server}${NAMESPACE_SEPARATOR}`);
  return { name: prefixed ? qualifiedName(server, name) : name, args: fields.arguments };
}

/** Aborted when the client goes away before its response is complete. */
export function clientSignal(res: GatewayResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
