/** Body fields that only steer the gateway's cache: never sent to a provider. */
export const CACHE_REQUEST_FIELDS: readonly string[] = ['cache', 'caching'];

/**
 * The request without LiteLLM's `cache` object and `caching` flag (a shallow copy only when one
 * is present). The inference path calls this before the provider call.
 */
export function withoutCacheParams<T extends object>(request: T): T {
  const fields = request as Record<string, unknown>;
  if (fields.cache === undefined && fields.caching === undefined) return request;
  const { cache: _cache, caching: _caching, ...rest } = fields;
  return rest as T;
}
