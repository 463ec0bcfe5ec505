import {
  CommonErrorCode,
  CommonException,
  GatewayException,
  readJsonBody,
  sendJson,
  type GatewayRequest,
  type GatewayResponse,
} from '@routeiq/common';
import { JsonRpcCode } from '../mcp.exception';
import { McpRpcError, rpcError, type JsonRpcId, type JsonRpcResponse } from './json-rpc';
import { toRpcError } from './mcp-error.mapper';

/** What the endpoint answers to one HTTP request; written by `writeReply`. */
export interface McpHttpReply {
  readonly status: number;
  /** Absent for 202 Accepted and 204 No Content. */
  readonly body?: JsonRpcResponse | readonly JsonRpcResponse[];
  readonly headers?: Readonly<Record<string, string>>;
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  // nginx must not buffer a stream (see config/nginx.conf).
  'x-accel-buffering': 'no',
} as const;

/** One header's value, when it was sent once. */
export function headerOf(req: GatewayRequest, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads the JSON body with the gateway's size limit and checks; failures become JSON-RPC errors:
 * bad JSON → -32700 (400), wrong content type (415), too large (413) or refused structure (400)
 * → -32600.
 */
export async function readRpcBody(req: GatewayRequest, limitBytes: number): Promise<unknown> {
  try {
    return await readJsonBody(req, limitBytes);
  } catch (error) {
    if (!(error instanceof CommonException)) throw error;
    const code =
      error.code === (CommonErrorCode.InvalidJson as string)
        ? JsonRpcCode.ParseError
        : JsonRpcCode.InvalidRequest;
    throw new McpRpcError(code, error.message, { status: error.status, headers: error.headers });
  }
}

/** Writes `reply`: JSON, or one SSE `message` event for a client that accepts only SSE. */
export function writeReply(req: GatewayRequest, res: GatewayResponse, reply: McpHttpReply): void {
  const headers = reply.headers ?? {};
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  if (reply.status === 200 && onlyEventStream(headerOf(req, 'accept'))) {
    res.writeHead(200, { ...headers, ...SSE_HEADERS });
    res.end(sseEvent('message', JSON.stringify(reply.body)));
    return;
  }
  sendJson(res, reply.status, reply.body, headers);
}

/**
 * The reply to a failure outside any method (bad envelope, unknown session, the session store
 * down): a JSON-RPC error with the error's HTTP status. `unexpected`: log it.
 */
export function errorReply(
  error: unknown,
  id: JsonRpcId | null,
): { reply: McpHttpReply; unexpected: boolean } {
  const mapped = toRpcError(error);
  const body = rpcError(id, mapped.error);
  if (error instanceof McpRpcError) {
    return { reply: { status: error.status, body, headers: error.headers }, unexpected: false };
  }
  const status = error instanceof GatewayException ? error.status : 500;
  return { reply: { status, body }, unexpected: mapped.unexpected };
}

/** Writes to an open stream; a no-op once it ended or the client went away. */
export function writeToStream(res: GatewayResponse, chunk: string): void {
  if (!res.writableEnded && !res.destroyed) res.write(chunk);
}

/** One server-sent event; `data` must be a single line (JSON is). */
export function sseEvent(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

/** An AbortSignal that fires when the client goes away before the response is complete. */
export function abortOnClose(res: GatewayResponse): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) controller.abort();
  };
  res.once('close', onClose);
  return { signal: controller.signal, dispose: () => res.off('close', onClose) };
}

function onlyEventStream(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  const json = types.some((t) => t === 'application/json' || t === 'application/*' || t === '*/*');
  return !json && types.includes('text/event-stream');
}
