import type { CacheHit } from '@routeiq/cache';

export const CACHE_HEADER = 'x-routeiq-cache';
export const CACHE_TIER_HEADER = 'x-routeiq-cache-tier';
export const CACHE_AGE_HEADER = 'x-routeiq-cache-age';
/**
 * USD cost of a unary answer. A stream's headers leave before its usage is known, so streams do
 * not carry it (their cost is in the request log and `/spend/logs`).
 */
export const RESPONSE_COST_HEADER = 'x-routeiq-response-cost';

export function cacheHitHeaders(hit: CacheHit): Record<string, string> {
  return {
    [CACHE_HEADER]: 'HIT',
    [CACHE_TIER_HEADER]: hit.tier,
    [CACHE_AGE_HEADER]: String(Math.max(0, Math.floor(hit.ageSeconds))),
  };
}

/**
 * A non-negative amount as a plain decimal (`0.000018`, never `1.8e-5`), to 12 significant
 * digits so float noise (`0.000024999999999999998`) does not show.
 */
export function decimalString(value: number): string {
  if (!Number.isFinite(value) || value <= 0) return '0';
  const text = String(Number(value.toPrecision(12)));
  const e = text.indexOf('e');
  if (e < 0) return text;
  const mantissa = text.slice(0, e);
  const exponent = Number(text.slice(e + 1));
  const point = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const at = (point < 0 ? mantissa.length : point) + exponent;
  if (at <= 0) return `0.${'0'.repeat(-at)}${digits}`;
  if (at >= digits.length) return `${digits}${'0'.repeat(at - digits.length)}`;
  return `${digits.slice(0, at)}.${digits.slice(at)}`;
}
