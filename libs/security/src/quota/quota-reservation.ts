import type { CounterAdjustment, QuotaCounterStore } from '@routeiq/coordination';
import { usageOf, type PlannedCounter } from './quota-plan';
import { formatResetDuration } from './quota-windows';
import type { QuotaMetric, QuotaReservation, QuotaUsage } from './quota.types';

/** The reservation of a request no limit applies to: no headers, nothing to reconcile. */
export const NO_QUOTA_RESERVATION: QuotaReservation = Object.freeze({
  headers: () => ({}),
  settle: async () => undefined,
  release: async () => undefined,
});

const TOKEN_METRICS: ReadonlySet<QuotaMetric> = new Set([
  'input_tokens',
  'output_tokens',
  'total_tokens',
]);

export interface HeldCounter {
  readonly counter: PlannedCounter;
  /** What was added to the counter at reservation. */
  readonly reserved: number;
  /** The counter's value right after. */
  readonly value: number;
}

/** Reports a failed reconciliation; must not throw. */
export type ReconcileFailure = (action: 'settle' | 'release', error: unknown) => void;

/** Counters held in the store for one admitted request. */
export class CounterQuotaReservation implements QuotaReservation {
  private finished = false;

  constructor(
    private readonly store: QuotaCounterStore,
    private readonly held: readonly HeldCounter[],
    private readonly timeoutMs: number,
    private readonly onFailure: ReconcileFailure,
  ) {}

  headers(): Record<string, string> {
    const now = Date.now();
    return {
      ...rateLimitHeaders(
        'requests',
        this.tightest((m) => m === 'requests'),
        now,
      ),
      ...rateLimitHeaders(
        'tokens',
        this.tightest((m) => TOKEN_METRICS.has(m)),
        now,
      ),
    };
  }

  async settle(actual: QuotaUsage): Promise<void> {
    await this.finish(
      'settle',
      ({ counter, reserved }) => usageOf(counter.metric, actual) - reserved,
    );
  }

  async release(): Promise<void> {
    await this.finish('release', ({ counter, reserved }) =>
      counter.metric === 'requests' ? 0 : -reserved,
    );
  }

  private async finish(
    action: 'settle' | 'release',
    deltaOf: (held: HeldCounter) => number,
  ): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const adjustments: CounterAdjustment[] = this.held
      .map((held) => ({ key: held.counter.key, delta: deltaOf(held), ttlMs: held.counter.ttlMs }))
      .filter((adjustment) => adjustment.delta !== 0);
    if (adjustments.length === 0) return;
    try {
      await this.store.adjust(adjustments, { timeoutMs: this.timeoutMs });
    } catch (error) {
      this.onFailure(action, error);
    }
  }

  /** The counter of the given metrics with the least room left (the lower limit on a tie). */
  private tightest(matches: (metric: QuotaMetric) => boolean): HeldCounter | undefined {
    let best: HeldCounter | undefined;
    for (const held of this.held) {
      if (!matches(held.counter.metric)) continue;
      if (!best || room(held) < room(best)) best = held;
      else if (room(held) === room(best) && held.counter.limit < best.counter.limit) best = held;
    }
    return best;
  }
}

function room({ counter, value }: HeldCounter): number {
  return Math.max(0, counter.limit - value);
}

function rateLimitHeaders(
  kind: 'requests' | 'tokens',
  held: HeldCounter | undefined,
  nowMs: number,
): Record<string, string> {
  if (!held) return {};
  const { limit, endMs } = held.counter;
  const headers: Record<string, string> = {
    [`x-ratelimit-limit-${kind}`]: String(Math.max(0, limit)),
    [`x-ratelimit-remaining-${kind}`]: String(room(held)),
  };
  if (endMs !== undefined) {
    headers[`x-ratelimit-reset-${kind}`] = formatResetDuration(endMs - nowMs);
  }
  return headers;
}
