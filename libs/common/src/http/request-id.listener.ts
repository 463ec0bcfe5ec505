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
  (req as GatewayRequest).id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
}
