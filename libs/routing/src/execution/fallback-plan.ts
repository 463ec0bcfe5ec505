import type { RouterSettings } from '@routeiq/config';
import { ProviderErrorKind, ProviderException } from '@routeiq/providers';

/** Failures worth another attempt in the same group: the upstream was busy, away or slow. */
const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set([
  ProviderErrorKind.RateLimited,
  ProviderErrorKind.Unavailable,
  ProviderErrorKind.Timeout,
]);
/** A deployment-specific failure: another deployment of the group may well succeed. */
const DEPLOYMENT_FAULT: ReadonlySet<ProviderErrorKind> = new Set([
  ProviderErrorKind.Auth,
  ProviderErrorKind.NotFound,
]);
/** Never tried elsewhere: the request itself is wrong, or the client has gone. */
const FINAL_STATUS = 499;

const BASE_DELAY_MS = 100;
/** An upstream `retry-after` longer than this is not waited for: the next group is tried. */
export const MAX_RETRY_WAIT_MS = 5_000;

export function errorKindOf(error: unknown): ProviderErrorKind | undefined {
  return error instanceof ProviderException ? error.kind : undefined;
}

/** May the same group be tried again after `error`? (`untried`: another deployment is eligible.) */
export function isRetryable(error: unknown, untried: boolean): boolean {
  const kind = errorKindOf(error);
  if (kind === undefined || statusOf(error) === FINAL_STATUS) return false;
  return RETRYABLE.has(kind) || (untried && DEPLOYMENT_FAULT.has(kind));
}

/**
 * The groups to try after `group` failed with `error` (LiteLLM semantics): a context-window error
 * tries `context_window_fallbacks`, a content-policy error `content_policy_fallbacks`, and either
 * without its own list, like every other failure, `fallbacks` for the group (or its `*` entry),
 * else `default_fallbacks`. A bad request or a gone client has no fallback.
 */
export function fallbackGroups(
  settings: RouterSettings,
  group: string,
  error: unknown,
): readonly string[] {
  const kind = errorKindOf(error);
  if (kind === ProviderErrorKind.BadRequest || statusOf(error) === FINAL_STATUS) return [];
  if (kind === undefined && statusOf(error) < 500) return [];
  const specific =
    kind === ProviderErrorKind.ContextWindowExceeded
      ? settings.context_window_fallbacks[group]
      : kind === ProviderErrorKind.ContentPolicy
        ? settings.content_policy_fallbacks[group]
        : undefined;
  if (specific && specific.length > 0) return specific;
  return settings.fallbacks[group] ?? settings.fallbacks['*'] ?? settings.default_fallbacks;
}

/**
 * How long to wait before retry number `retry + 1` of a group whose deployments have all been
 * tried: the upstream's `retry-after` when it gave one, else exponential backoff with jitter, and
 * never less than `router_settings.retry_after`. Undefined: do not wait that long, move on.
 */
export function retryDelayMs(error: unknown, retry: number, minimumMs: number): number | undefined {
  const header = error instanceof ProviderException ? error.headers['retry-after'] : undefined;
  const seconds = header === undefined ? NaN : Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) {
    const wait = Math.max(seconds * 1000, minimumMs);
    return wait <= MAX_RETRY_WAIT_MS ? wait : undefined;
  }
  const backoff = BASE_DELAY_MS * 2 ** retry;
  const jittered = Math.min(MAX_RETRY_WAIT_MS, backoff / 2 + Math.random() * (backoff / 2));
  return Math.max(jittered, minimumMs);
}

function statusOf(error: unknown): number {
  return typeof error === 'object' && error !== null && 'status' in error
    ? Number(error.status)
    : 500;
}
