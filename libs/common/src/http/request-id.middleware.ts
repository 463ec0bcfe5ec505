import type { ServerResponse } from 'node:http';
import type { GatewayRequest } from './gateway-request';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-id';

/**
 * First middleware of the app: gives every request an id and echoes it in `X-Request-ID`, so even
 * errors raised before routing carry it. A plain function: it runs on every request.
 */
export function requestIdMiddleware(
  req: GatewayRequest,
  res: ServerResponse,
  next: () => void,
): void {
  const id = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
  req.id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  next();
}
