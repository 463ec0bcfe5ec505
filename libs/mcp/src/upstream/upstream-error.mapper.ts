import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { GatewayException } from '@routeiq/common';
import { McpException } from '../mcp.exception';

const MAX_DETAIL = 300;
/** Socket errors of an established connection (the others mean it could not be made). */
const LOST_CODES = new Set(['UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNRESET', 'EPIPE']);

/** A 404 on a request that carried a session id: the upstream forgot the session. */
export function isSessionExpired(error: unknown): boolean {
  return error instanceof StreamableHTTPError && error.code === 404;
}

/**
 * Whether a transport error leaves the connection unusable (a new one is needed): network
 * failures, broken streams, a lost session. One malformed message or an HTTP error answer to a
 * single request is not.
 */
export function isConnectionFatal(error: unknown): boolean {
  if (error instanceof SyntaxError || isSchemaError(error)) return false;
  if (error instanceof StreamableHTTPError) return isSessionExpired(error);
  return true;
}

/**
 * The gateway error for a failed upstream request. JSON-RPC errors of the upstream keep their
 * (shortened) message; transport failures get a fixed description, never the upstream's body.
 * Gateway exceptions (an SSRF refusal, stdio disabled) pass through unchanged.
 */
export function toUpstreamException(serverId: string, error: unknown): GatewayException {
  if (error instanceof GatewayException) return error;
  return McpException.upstreamError(serverId, describe(error), error);
}

function describe(error: unknown): string {
  if (error instanceof McpError) {
    if (error.code === (ErrorCode.ConnectionClosed as number)) {
      return 'the connection to the server was lost';
    }
    return shorten(error.message);
  }
  if (error instanceof StreamableHTTPError) return httpDetail(error.code);
  if (error instanceof SseError) {
    return error.code
      ? `the SSE stream failed (${httpDetail(error.code)})`
      : 'the SSE stream failed';
  }
  if (isSchemaError(error)) return 'the server sent an invalid response';
  const code = causeCode(error);
  if (code && LOST_CODES.has(code)) return `the connection to the server was lost (${code})`;
  if (code) return `the server is unreachable (${code})`;
  return 'the request failed';
}

function httpDetail(status: number | undefined): string {
  if (status === 401 || status === 403) return `HTTP ${status}: check the server's credentials`;
  if (status === 404) return 'HTTP 404: the session or endpoint was not found';
  return status && status > 0 ? `HTTP ${status}` : 'an unexpected response';
}

function shorten(message: string): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL)}…` : flat;
}

function isSchemaError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ZodError';
}

/** `ECONNREFUSED` and the like, from undici's `fetch failed` and its cause. */
function causeCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if (typeof current !== 'object') return undefined;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
