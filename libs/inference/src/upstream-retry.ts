import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderErrorKind, ProviderException } from '@routeiq/providers';

/** Failures worth the same call again: the upstream was busy, away or slow, not wrong. */
const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set([
  ProviderErrorKind.RateLimited,
  ProviderErrorKind.Unavailable,
  ProviderErrorKind.Timeout,
]);
const BASE_DELAY_MS = 100;
/** A `retry-after` longer than this is not waited for: the error goes back to the client. */
const MAX_WAIT_MS = 5_000;

/**
 * Runs `attempt` and, on a retryable provider failure, again up to `maxRetries` times (a
 * deployment's `max_retries`), waiting the upstream's `retry-after` or an exponential backoff with
 * jitter. Only ever used before the first byte reaches the client.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  maxRetries: number,
  signal: AbortSignal,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const wait = retry < maxRetries ? retryDelay(error, retry) : undefined;
      if (wait === undefined || signal.aborted) throw error;
      await sleep(wait, undefined, { signal }).catch(() => {
        throw error;
      });
    }
  }
}

/** How long to wait before retry number `retry + 1`, or undefined when the error is final. */
export function retryDelay(error: unknown, retry: number): number | undefined {
  if (!(error instanceof ProviderException) || !RETRYABLE.has(error.kind)) return undefined;
  const header = error.headers?.['retry-after'];
  const seconds = header === undefined ? NaN : Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) {
    return seconds * 1000 <= MAX_WAIT_MS ? seconds * 1000 : undefined;
  }
  const backoff = BASE_DELAY_MS * 2 ** retry;
  return Math.min(MAX_WAIT_MS, backoff / 2 + Math.random() * (backoff / 2));
}
