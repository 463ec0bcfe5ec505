import { isRetryable, retryDelayMs } from '@routeiq/routing';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `attempt` and, on a retryable provider failure (busy, unavailable, slow), again up to
 * `maxRetries` times — a deployment's own `max_retries`, like an SDK's — waiting the upstream's
 * `retry-after` or an exponential backoff with jitter. Used inside one routing attempt, before
 * the first byte reaches the client; the router's `num_retries` and fallbacks come on top.
 */
export function withRetries<T>(
  attempt: () => Promise<T>,
  maxRetries: number,
  signal: AbortSignal,
): Promise<T> {
  // Without retries (the default) the attempt's own promise is the answer: no wrapping async frame.
  return maxRetries > 0 ? retrying(attempt, maxRetries, signal) : attempt();
}

async function retrying<T>(
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
  return isRetryable(error, false) ? retryDelayMs(error, retry, 0) : undefined;
}
