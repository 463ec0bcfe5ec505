import type { ServerResponse } from 'node:http';
import { type GatewayException } from '../errors/gateway.exception';

// Responses are written with writeHead/end on the raw Node response: Express's helpers cost
// measurable throughput on the hot path (see docs/performance.md).

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Writes a complete JSON response. `body` may be pre-serialised. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
): void {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  // Set one by one rather than merged into a new object: the response already has headers (the
  // request id), so `writeHead` would set them one by one anyway.
  if (headers) for (const name in headers) res.setHeader(name, headers[name]!);
  res.setHeader('content-type', JSON_CONTENT_TYPE);
  res.setHeader('content-length', Buffer.byteLength(payload));
  res.writeHead(status);
  res.end(payload);
}

/** The OpenAI error envelope plus the request id. */
export interface ErrorBody {
  error: { message: string; type: string; code: string; param: string | null } & Readonly<
    Record<string, string | null>
  >;
  request_id: string;
}

export function errorBody(error: GatewayException, requestId: string): ErrorBody {
  const { message, type, code, param, fields } = error;
  return {
    // The four OpenAI fields always win over a detail of the same name.
    error: fields ? { ...fields, message, type, code, param } : { message, type, code, param },
    request_id: requestId,
  };
}

export function sendError(res: ServerResponse, error: GatewayException, requestId: string): void {
  sendJson(res, error.status, errorBody(error, requestId), error.headers);
}
