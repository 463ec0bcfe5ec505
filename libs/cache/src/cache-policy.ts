import type { CacheLookupInput } from './response-cache.port';

/** The longest TTL a request may ask for (one year), whatever it sends. */
const MAX_TTL_SECONDS = 31_536_000;

/** What a request allows the cache to do. */
export interface CacheDirectives {
  /** Look a stored answer up (false for `no-cache`: the answer is fetched, then stored). */
  readonly lookup: boolean;
  /** Store the answer (false for `no-store`). */
  readonly store: boolean;
  readonly ttlSeconds: number;
  /** Only answers at most this old are served (`s-maxage` / `max-age`), if set. */
  readonly maxAgeSeconds?: number;
}

/** The settings the policy reads. */
export interface CachePolicySettings {
  readonly ttlSeconds: number;
  readonly maxTemperature: number;
}

/**
 * What the cache may do for a request, or undefined when it must not touch it at all.
 * - Only deterministic requests: `temperature` (1 when absent, as the providers default it) at
 *   most `maxTemperature`, unless the body says `caching: true`; `caching: false` opts out.
 * - `Cache-Control` header and LiteLLM's body param `cache: {ttl, s-maxage, no-cache, no-store}`:
 *   `no-store` → neither lookup nor store; `no-cache` → no lookup, the answer is stored;
 *   `ttl` → this entry's TTL; `s-maxage` / `max-age` → the oldest answer accepted.
 */
export function directivesOf(
  input: CacheLookupInput,
  settings: CachePolicySettings,
): CacheDirectives | undefined {
  const { request } = input;
  if (request.caching === false) return undefined;
  const params = bodyParams(request.cache);
  const header = headerParams(input.cacheControl);
  if (params.noStore || header.noStore) return undefined;
  if (request.caching !== true && input.endpoint !== 'embedding') {
    const temperature = typeof request.temperature === 'number' ? request.temperature : 1;
    if (temperature > settings.maxTemperature) return undefined;
  }
  const ttl = params.ttl === undefined ? settings.ttlSeconds : Math.ceil(params.ttl);
  const maxAge = params.maxAge ?? header.maxAge;
  return {
    lookup: !(params.noCache || header.noCache),
    store: true,
    ttlSeconds: Math.min(Math.max(ttl, 1), MAX_TTL_SECONDS),
    ...(maxAge !== undefined && { maxAgeSeconds: maxAge }),
  };
}

interface Params {
  readonly noCache?: boolean;
  readonly noStore?: boolean;
  readonly ttl?: number;
  readonly maxAge?: number;
}

/** LiteLLM's `cache` body param; anything malformed in it is ignored, as LiteLLM does. */
function bodyParams(value: unknown): Params {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const fields = value as Record<string, unknown>;
  return {
    noCache: fields['no-cache'] === true,
    noStore: fields['no-store'] === true,
    ttl: positiveNumber(fields.ttl),
    maxAge: nonNegativeNumber(fields['s-maxage']),
  };
}

function headerParams(header: string | undefined): Params {
  if (!header) return {};
  const directives = header
    .toLowerCase()
    .split(',')
    .map((part) => part.trim());
  const ageText = directives.find((part) => /^(s-)?max-age=\d+$/.test(part))?.split('=')[1];
  return {
    noCache: directives.includes('no-cache'),
    noStore: directives.includes('no-store'),
    maxAge: ageText === undefined ? undefined : Number(ageText),
  };
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function nonNegativeNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
