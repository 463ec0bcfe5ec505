/** One counter to check and increment in `QuotaCounterStore.reserve`. */
export interface CounterReservation {
  /** Logical counter name (the Redis store adds the key prefix); distinct within one call. */
  readonly key: string;
  /** Non-negative integer. 0 only reads the counter and never refuses. */
  readonly amount: number;
  /** The counter may reach but never pass this value. */
  readonly limit: number;
  /** Lifetime of the counter, set when the call creates it (the time to its window's end). */
  readonly ttlMs: number;
}

/** One counter to correct in `QuotaCounterStore.adjust`. */
export interface CounterAdjustment {
  readonly key: string;
  /** Integer; the result is clamped at 0. */
  readonly delta: number;
  /** Lifetime if a positive delta creates the counter; a missing counter is never created by <= 0. */
  readonly ttlMs: number;
}

/** Outcome of a reservation: every counter's new value, or the first counter that did not fit. */
export type CounterReserveResult =
  | { readonly ok: true; readonly values: number[] }
  | { readonly ok: false; readonly index: number; readonly current: number };

export interface CounterCallOptions {
  /** Give up (reject) after this long; a hung backend must not hang the request path. */
  readonly timeoutMs?: number;
}

/**
 * Atomic, cross-replica integer counters with per-window expiry: the storage port of quotas.
 * Counters hold integers only (spend is stored in micro-USD) so sums never drift.
 * Implementations reject with a CoordinationException when the backend is unreachable.
 */
export abstract class QuotaCounterStore {
  /**
   * All or nothing: when every item fits (`current + amount <= limit`, or `amount` is 0) all are
   * incremented together and their new values returned; otherwise nothing changes and the first
   * item that did not fit is reported with its current value.
   */
  abstract reserve(
    items: readonly CounterReservation[],
    options?: CounterCallOptions,
  ): Promise<CounterReserveResult>;

  /** Adds each delta (reconciliation after the fact), never taking a counter below 0. */
  abstract adjust(items: readonly CounterAdjustment[], options?: CounterCallOptions): Promise<void>;

  /** Current values, 0 for missing or expired counters. */
  abstract read(keys: readonly string[], options?: CounterCallOptions): Promise<number[]>;
}

/** Throws RangeError unless the items are ones both implementations hold exactly. */
export function checkReservations(items: readonly CounterReservation[]): void {
  checkKeys(items.map((item) => item.key));
  for (const { amount, limit, ttlMs } of items) {
    checkInteger('amount', amount, 0);
    checkInteger('limit', limit, Number.MIN_SAFE_INTEGER);
    checkInteger('ttlMs', ttlMs, 1);
  }
}

/** Throws RangeError unless the adjustments are integers with a positive lifetime. */
export function checkAdjustments(items: readonly CounterAdjustment[]): void {
  checkKeys(items.map((item) => item.key));
  for (const { delta, ttlMs } of items) {
    checkInteger('delta', delta, Number.MIN_SAFE_INTEGER);
    checkInteger('ttlMs', ttlMs, 1);
  }
}

function checkInteger(label: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`quota counter ${label} must be a safe integer >= ${min} (got ${value})`);
  }
}

// One call naming a counter twice would check it against a stale value and count it twice.
function checkKeys(keys: readonly string[]): void {
  if (new Set(keys).size !== keys.length) {
    throw new RangeError('quota counter keys must be distinct within one call');
  }
}
