import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { GatewayRequest } from './gateway-request';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-id';

/**
 * Gives every request an id and echoes it in `X-Request-ID` on the raw HTTP server, before the
 * framework sees the request: even a 404 or an error raised before routing carries it, and the
 * request path does not pay for one more framework middleware layer.
 */
export function attachRequestIds(server: Server): void {
  server.prependListener('request', assignRequestId);
}

function assignRequestId(req: IncomingMessage, res: ServerResponse): void {
  const id = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
  const request = req as GatewayRequest;
  request.id = id;
  // The fields later steps set (the observer, tracing, the auth guard), declared on every request
  // in one order: a request object then goes through the same few hidden classes whichever of
  // them run. The inline caches of code that reads requests at several points (Node's `headers`
  // getter among them) keep four classes; past four they turn megamorphic, which tracing's own
  // fields did (docs/performance.md "Tracing overhead", session 16).
  request.receivedAt = undefined;
  request.serverSpan = undefined;
  request.traceContext = undefined;
  request.traceIds = undefined;
  request.principal = undefined;
  res.setHeader(REQUEST_ID_HEADER, id);
}
