import type { GatewayRequest } from '@routeiq/common';
import type { ResolvedKey } from './resolved-key';

/**
 * The verified virtual key behind a request, for what runs after the guard (model access, quotas,
 * spend). Kept beside the request, not on it, so only the security lib can read it.
 */
const keysByRequest = new WeakMap<GatewayRequest, ResolvedKey>();

export function attachResolvedKey(req: GatewayRequest, key: ResolvedKey): void {
  keysByRequest.set(req, key);
}

export function resolvedKeyOf(req: GatewayRequest): ResolvedKey | undefined {
  return keysByRequest.get(req);
}
