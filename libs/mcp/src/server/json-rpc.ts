import {
  JSONRPCNotificationSchema,
  JSONRPCRequestSchema,
  JSONRPCResponseSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { JsonRpcCode } from '../mcp.exception';

export type JsonRpcId = string | number;
export type JsonRpcParams = Record<string, unknown>;

export interface JsonRpcRequest {
  readonly id: JsonRpcId;
  readonly method: string;
  readonly params?: JsonRpcParams;
}

export interface JsonRpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

export type JsonRpcResponse =
  | { readonly jsonrpc: '2.0'; readonly id: JsonRpcId | null; readonly result: JsonRpcParams }
  | { readonly jsonrpc: '2.0'; readonly id: JsonRpcId | null; readonly error: JsonRpcErrorObject };

/** One incoming message, sorted by kind; `invalid` keeps the id when one could be read. */
export type JsonRpcIncoming =
  | { readonly kind: 'request'; readonly request: JsonRpcRequest }
  | { readonly kind: 'notification'; readonly method: string; readonly params?: JsonRpcParams }
  | { readonly kind: 'response' }
  | { readonly kind: 'invalid'; readonly id: JsonRpcId | null };

export interface McpRpcErrorOptions {
  /** HTTP status, where the transport lets the error choose one (default 200). */
  readonly status?: number;
  readonly data?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A protocol-level failure of the `/mcp` endpoint: rendered as a JSON-RPC error with `code`, and
 * with `status` as the HTTP status where the transport lets it choose one.
 */
export class McpRpcError extends Error {
  readonly status: number;
  readonly data: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: number,
    message: string,
    options: McpRpcErrorOptions = {},
  ) {
    super(message);
    this.name = 'McpRpcError';
    this.status = options.status ?? 200;
    this.data = options.data;
    this.headers = options.headers ?? {};
  }

  static invalidRequest(message: string, status = 400): McpRpcError {
    return new McpRpcError(JsonRpcCode.InvalidRequest, message, { status });
  }

  static invalidParams(message: string, status = 200): McpRpcError {
    return new McpRpcError(JsonRpcCode.InvalidParams, message, { status });
  }

  static methodNotFound(method: string, status = 200): McpRpcError {
    return new McpRpcError(JsonRpcCode.MethodNotFound, `Method not found: ${method}`, { status });
  }

  toObject(): JsonRpcErrorObject {
    return {
      code: this.code,
      message: this.message,
      ...(this.data !== undefined && { data: this.data }),
    };
  }
}

export function rpcResult(id: JsonRpcId | null, result: JsonRpcParams): JsonRpcResponse {
  return { jsonrpc: '2.0', id, result };
}

export function rpcError(id: JsonRpcId | null, error: JsonRpcErrorObject): JsonRpcResponse {
  return { jsonrpc: '2.0', id, error };
}

/** Sorts one element of a body (a message, or one entry of a batch) with the SDK's schemas. */
export function classifyMessage(value: unknown): JsonRpcIncoming {
  const request = JSONRPCRequestSchema.safeParse(value);
  if (request.success) {
    const { id, method, params } = request.data;
    return { kind: 'request', request: { id, method, ...(params && { params }) } };
  }
  const notification = JSONRPCNotificationSchema.safeParse(value);
  if (notification.success) {
    const { method, params } = notification.data;
    return { kind: 'notification', method, ...(params && { params }) };
  }
  if (JSONRPCResponseSchema.safeParse(value).success) return { kind: 'response' };
  return { kind: 'invalid', id: readableId(value) };
}

function readableId(value: unknown): JsonRpcId | null {
  if (typeof value !== 'object' || value === null || !('id' in value)) return null;
  const { id } = value;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}
