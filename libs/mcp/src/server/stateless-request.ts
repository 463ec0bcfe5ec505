import type { IncomingHttpHeaders } from 'node:http';
import { JsonRpcCode } from '../mcp.exception';
import { McpRpcError, type JsonRpcParams } from './json-rpc';
import {
  McpHeader,
  McpMetaKey,
  STATELESS_PROTOCOL_VERSION,
  ENDPOINT_PROTOCOL_VERSIONS,
} from './mcp-protocol';

/** Methods whose `Mcp-Name` header names the tool, prompt or resource they act on. */
const NAMED_PARAM: Readonly<Record<string, string>> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
};

/** Session-era methods the stateless revision removed: -32601 with HTTP 404. */
export const REMOVED_IN_STATELESS: ReadonlySet<string> = new Set([
  'ping',
  'logging/setLevel',
  'resources/subscribe',
  'resources/unsubscribe',
]);

/**
 * Whether a message without a session speaks the stateless revision: it names a protocol version
 * in `_meta` or in `MCP-Protocol-Version`, or it is `server/discover`.
 */
export function isStatelessMessage(
  method: string,
  params: JsonRpcParams | undefined,
  headers: IncomingHttpHeaders,
): boolean {
  return (
    method === 'server/discover' ||
    metaOf(params)?.[McpMetaKey.ProtocolVersion] !== undefined ||
    headers[McpHeader.ProtocolVersion] === STATELESS_PROTOCOL_VERSION
  );
}

/**
 * Checks a stateless request's envelope: `_meta` (protocol version, client capabilities), then
 * the version, then the routing headers, which must repeat what the body says.
 * @throws McpRpcError -32602 (no `_meta`), -32004 (unsupported version, with
 * `data.supportedVersions`) or -32001 (header mismatch), all with HTTP 400.
 */
export function checkStatelessRequest(
  method: string,
  params: JsonRpcParams | undefined,
  headers: IncomingHttpHeaders,
): void {
  const meta = metaOf(params);
  const version = meta?.[McpMetaKey.ProtocolVersion];
  const capabilities = meta?.[McpMetaKey.ClientCapabilities];
  if (typeof version !== 'string' || !isObject(capabilities)) {
    throw McpRpcError.invalidParams(
      `A request without a session needs params._meta["${McpMetaKey.ProtocolVersion}"] and ` +
        `params._meta["${McpMetaKey.ClientCapabilities}"]`,
      400,
    );
  }
  if (version !== STATELESS_PROTOCOL_VERSION) {
    throw new McpRpcError(
      JsonRpcCode.ToolInvocationDisabled,
      `Unsupported protocol version ${JSON.stringify(version)} for a request without a session: ` +
        `use ${STATELESS_PROTOCOL_VERSION}, or initialize a session`,
      { status: 400, data: { supportedVersions: ENDPOINT_PROTOCOL_VERSIONS, requested: version } },
    );
  }
  expectHeader(headers, McpHeader.ProtocolVersion, 'MCP-Protocol-Version', version);
  expectHeader(headers, McpHeader.Method, 'Mcp-Method', method);
  const namedParam = NAMED_PARAM[method];
  const name = namedParam === undefined ? undefined : params?.[namedParam];
  // A missing name is the params check's to report (-32602), not a header mismatch.
  if (typeof name === 'string') expectHeader(headers, McpHeader.Name, 'Mcp-Name', name);
}

function expectHeader(
  headers: IncomingHttpHeaders,
  header: string,
  display: string,
  expected: string,
): void {
  const actual = headers[header];
  if (actual === expected) return;
  const got = typeof actual === 'string' ? JSON.stringify(actual) : 'none';
  throw new McpRpcError(
    JsonRpcCode.UpstreamError,
    `Header mismatch: ${display} must be ${JSON.stringify(expected)} (got ${got})`,
    { status: 400 },
  );
}

function metaOf(params: JsonRpcParams | undefined): Record<string, unknown> | undefined {
  const meta = params?._meta;
  return isObject(meta) ? meta : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
