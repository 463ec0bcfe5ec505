import type { GatewayRequest } from './gateway-request';

export const OVERHEAD_HEADER = 'x-routeiq-overhead-ms';

/**
 * Time the gateway itself spent on the request so far (ms): since it arrived, minus the time spent
 * waiting on upstreams. Undefined when the arrival time is unknown.
 */
export function gatewayOverheadMs(req: GatewayRequest): number | undefined {
  if (req.receivedAt === undefined) return undefined;
  return Math.max(0, performance.now() - req.receivedAt - (req.upstreamMs ?? 0));
}

/** The `x-routeiq-overhead-ms` value: milliseconds with two decimals. */
export function overheadHeaderValue(req: GatewayRequest): string | undefined {
  const overhead = gatewayOverheadMs(req);
  return overhead === undefined ? undefined : overhead.toFixed(2);
}
