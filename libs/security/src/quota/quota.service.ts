import { Injectable, Logger } from '@nestjs/common';
import { QuotaCounterStore, describeRedisError } from '@routeiq/coordination';
import { planCounters, usageOf, type PlannedCounter } from './quota-plan';
import {
  CounterQuotaReservation,
  NO_QUOTA_RESERVATION,
  type HeldCounter,
} from './quota-reservation';
import { secondsUntil } from './quota-windows';
import { QuotaConfig } from './quota.config';
import { QuotaException } from './quota.exception';
import type { QuotaRequest, QuotaReservation } from './quota.types';

/** Storage-failure warnings are logged at most this often. */
const WARNING_INTERVAL_MS = 10_000;
/** Reconciliation runs after the response, off the request path: it may wait longer. */
const RECONCILE_TIMEOUT_MS = 1000;

/**
 * Atomic quotas across replicas. `reserve` before the upstream call counts the request and its
 * estimated tokens and spend against every limit that applies, all or nothing; `settle` corrects
 * the counters with actual usage afterwards. Knows nothing of inference: MCP and A2A calls use it
 * the same way.
 */
@Injectable()
export class QuotaService {
  private readonly logger = new Logger('Quota');
  private lastWarningAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly config: QuotaConfig,
    private readonly store: QuotaCounterStore,
  ) {}

  /** Output tokens to reserve: the request's `max_tokens`, else `ROUTEIQ_QUOTA_DEFAULT_OUTPUT_TOKENS`. */
  outputTokensEstimate(maxTokens: number | null | undefined): number {
    return maxTokens !== null && maxTokens !== undefined && maxTokens >= 0
      ? maxTokens
      : this.config.defaultOutputTokens;
  }

  /**
   * Reserves the request against every applicable limit.
   * @throws QuotaException `quota_exceeded` (429, with `Retry-After`) when a limit would be passed,
   *   or `quota_storage_unavailable` (503) when counters are unreachable and the fail mode is closed.
   */
  async reserve(request: QuotaRequest): Promise<QuotaReservation> {
    if (!this.config.enabled) return NO_QUOTA_RESERVATION;
    const limited = request.keyLimits || request.teamLimits || request.scopedKeyLimits;
    if (!this.config.rules.length && !limited) {
      return NO_QUOTA_RESERVATION;
    }
    const nowMs = Date.now();
    const counters = planCounters(this.config.rules, request, nowMs);
    if (counters.length === 0) return NO_QUOTA_RESERVATION;
    // At least one unit each, so a counter already at its limit refuses even a zero estimate.
    const amounts = counters.map((counter) =>
      Math.max(1, usageOf(counter.metric, request.estimate)),
    );
    const items = counters.map((counter, i) => ({
      key: counter.key,
      amount: amounts[i] ?? 1,
      limit: counter.limit,
      ttlMs: counter.ttlMs,
    }));
    let result;
    try {
      result = await this.store.reserve(items, { timeoutMs: this.config.redisTimeoutMs });
    } catch (error) {
      return this.storageFailed(error);
    }
    if (!result.ok) throw exceeded(counters[result.index], nowMs);
    const held: HeldCounter[] = counters.map((counter, i) => ({
      counter,
      reserved: amounts[i] ?? 1,
      value: result.values[i] ?? 0,
    }));
    return new CounterQuotaReservation(this.store, held, RECONCILE_TIMEOUT_MS, (action, error) =>
      this.warn(
        `quota ${action} failed; counters keep their estimate: ${describeRedisError(error)}`,
      ),
    );
  }

  private storageFailed(error: unknown): QuotaReservation {
    if (this.config.failMode === 'closed') throw QuotaException.storageUnavailable(error);
    this.warn(
      `quota storage unavailable, admitting requests unchecked: ${describeRedisError(error)}`,
    );
    return NO_QUOTA_RESERVATION;
  }

  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarningAt < WARNING_INTERVAL_MS) return;
    this.lastWarningAt = now;
    this.logger.warn(message);
  }
}

function exceeded(counter: PlannedCounter | undefined, nowMs: number): QuotaException {
  if (!counter) return QuotaException.storageUnavailable();
  return QuotaException.quotaExceeded({
    metric: counter.metric,
    window: counter.window,
    limit: counter.displayLimit,
    subject: counter.subject,
    ...(counter.scope !== undefined && { scope: counter.scope }),
    retryAfterSeconds: counter.endMs === undefined ? undefined : secondsUntil(counter.endMs, nowMs),
  });
}
