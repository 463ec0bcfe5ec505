import { A2aRpcCode } from '../a2a.exception';

export type JsonRpcId = string | number | null;

/** A JSON-RPC 2.0 request as the proxy forwards it. */
export interface A2aRpcRequest {
  readonly id: JsonRpcId;
  readonly method: string;
  readonly params: unknown;
}

export interface A2aRpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/**
 * A failure the proxy answers itself as a JSON-RPC error (never reaching the agent), with `status`
 * as the HTTP status.
 */
export class A2aRpcError extends Error {
  constructor(
    readonly code: A2aRpcCode,
    message: string,
    readonly status = 200,
    /** Refused because the task or context is another key's (metrics count it as `denied`). */
    readonly ownership = false,
  ) {
    super(message);
    this.name = 'A2aRpcError';
  }

  static taskNotFound(taskId: string): A2aRpcError {
    return new A2aRpcError(A2aRpcCode.TaskNotFound, `Task not found: ${taskId}`, 200, true);
  }

  /** A context the caller may not join; the same words whoever owns it, so ids do not leak. */
  static unknownContext(contextId: string): A2aRpcError {
    return new A2aRpcError(
      A2aRpcCode.InvalidParams,
      `Unknown contextId: ${JSON.stringify(contextId.slice(0, 100))}`,
      200,
      true,
    );
  }

  static methodNotFound(method: string): A2aRpcError {
    return new A2aRpcError(A2aRpcCode.MethodNotFound, `Method not found: ${method}`);
  }

  static invalidRequest(message: string): A2aRpcError {
    return new A2aRpcError(A2aRpcCode.InvalidRequest, message, 400);
  }

  static invalidParams(message: string): A2aRpcError {
    return new A2aRpcError(A2aRpcCode.InvalidParams, message);
  }
}

export function rpcErrorBody(id: JsonRpcId, error: A2aRpcErrorObject): Record<string, unknown> {
  return { jsonrpc: '2.0', id, error };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @throws A2aRpcError -32600 when `body` is not a single JSON-RPC 2.0 request. */
export function parseRpcRequest(body: unknown): A2aRpcRequest {
  if (Array.isArray(body)) throw A2aRpcError.invalidRequest('JSON-RPC batches are not supported');
  if (!isRecord(body) || body.jsonrpc !== '2.0' || typeof body.method !== 'string') {
    throw A2aRpcError.invalidRequest('Invalid JSON-RPC 2.0 request');
  }
  const id = body.id;
  if (id !== undefined && id !== null && typeof id !== 'string' && typeof id !== 'number') {
    throw A2aRpcError.invalidRequest('Invalid JSON-RPC id');
  }
  return { id: id ?? null, method: body.method, params: body.params };
}

/** The id of a body that could not be parsed as a request, when it has a usable one. */
export function idOf(body: unknown): JsonRpcId {
  if (!isRecord(body)) return null;
  return typeof body.id === 'string' || typeof body.id === 'number' ? body.id : null;
}
