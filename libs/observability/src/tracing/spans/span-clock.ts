import type { TimeInput } from '@opentelemetry/api';
// The module's `performance`, not the global: the global is an accessor, called at every read.
import { performance } from 'node:perf_hooks';

/** A number below this is a `performance.now()` reading, above it epoch milliseconds. */
const PERFORMANCE_TIME_LIMIT = 1e12;
const CHECK_EVERY_MS = 1_000;
const MAX_DRIFT_MS = 10;

// Every span of the process reads one monotonic clock anchored on the wall clock, so spans of one
// request line up to the microsecond (the SDK anchors each span on Date.now(), to the ms). The
// anchor follows the wall clock only when it steps.
let anchor = performance.timeOrigin;
let checkedAt = performance.now();

/** Now, in (fractional) milliseconds since the epoch. */
export function epochMillis(): number {
  const now = performance.now();
  if (now - checkedAt > CHECK_EVERY_MS) {
    checkedAt = now;
    const drift = Date.now() - (anchor + now);
    if (drift > MAX_DRIFT_MS || drift < -MAX_DRIFT_MS) anchor += drift;
  }
  return anchor + now;
}

/**
 * A time given to the span API, in epoch milliseconds: a number is a `performance.now()` reading
 * (as the SDK reads numbers in the past) or epoch milliseconds; also a Date or an HrTime.
 */
export function toEpochMillis(time: TimeInput): number {
  if (typeof time === 'number') return time < PERFORMANCE_TIME_LIMIT ? anchor + time : time;
  if (time instanceof Date) return time.getTime();
  return time[0] * 1e3 + time[1] / 1e6;
}
