import { GatewayException, type GatewayErrorInit } from '@routeiq/common';

export enum CacheErrorCode {
  InvalidRequest = 'invalid_cache_request',
  SharedTierUnavailable = 'cache_shared_tier_unavailable',
}

/** Errors of the cache's admin routes (the request path never fails because of the cache). */
export class CacheException extends GatewayException {
  constructor(init: GatewayErrorInit & { code: CacheErrorCode }) {
    super(init);
  }

  /** A bad query parameter or body field of an admin route. */
  static invalidRequest(param: string, message: string): CacheException {
    return new CacheException({
      status: 400,
      code: CacheErrorCode.InvalidRequest,
      message: `Invalid "${param}": ${message}`,
      param,
    });
  }

  /** Redis could not be reached while flushing or listing its entries. */
  static sharedTierUnavailable(action: string, cause: unknown): CacheException {
    return new CacheException({
      status: 503,
      code: CacheErrorCode.SharedTierUnavailable,
      message: `Could not ${action} the shared (Redis) cache tier; the memory tier was handled`,
      cause,
    });
  }
}
