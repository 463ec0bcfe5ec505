import type { Logger } from '@nestjs/common';
import { GatewayException, scrubSecrets, type GatewayRequest } from '@routeiq/common';
import { JsonRpcCode, McpException } from '../mcp.exception';
import { McpRpcError, type JsonRpcErrorObject } from './json-rpc';

/** A JSON-RPC error and the HTTP status to answer it with (200 unless the protocol says more). */
export interface MappedRpcError {
  readonly error: JsonRpcErrorObject;
  readonly status: number;
  /** True for errors nobody raised on purpose: the caller logs them with their stack. */
  readonly unexpected: boolean;
}

const ACCESS_STATUSES = new Set([401, 403, 429]);

/**
 * The JSON-RPC error for anything a method threw: McpException → its `jsonRpcCode`; another
 * GatewayException → -32003 for 401/403/429 (access, quota) else -32603, both with their message
 * and `data.code`; anything else → a bare -32603 "Internal error" (no message, no stack).
 */
export function toRpcError(thrown: unknown): MappedRpcError {
  if (thrown instanceof McpRpcError) {
    return { error: thrown.toObject(), status: thrown.status, unexpected: false };
  }
  if (thrown instanceof McpException) {
    return { error: gatewayError(thrown, thrown.jsonRpcCode), status: 200, unexpected: false };
  }
  if (thrown instanceof GatewayException) {
    const code = ACCESS_STATUSES.has(thrown.status)
      ? JsonRpcCode.AccessDenied
      : JsonRpcCode.InternalError;
    return { error: gatewayError(thrown, code), status: 200, unexpected: false };
  }
  return {
    error: { code: JsonRpcCode.InternalError, message: 'Internal error' },
    status: 200,
    unexpected: true,
  };
}

function gatewayError(thrown: GatewayException, code: number): JsonRpcErrorObject {
  const retryAfter = thrown.headers['retry-after'];
  return {
    code,
    message: thrown.message,
    data: { code: thrown.code, ...(retryAfter !== undefined && { retryAfter }) },
  };
}

/** Logs an error nobody raised on purpose, with its (scrubbed) stack. */
export function logUnexpected(
  logger: Logger,
  req: GatewayRequest,
  error: unknown,
  what: string,
): void {
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  logger.error({ requestId: req.id, err: scrubSecrets(stack) }, what);
}
