import type { Buckets, MetricsSnapshot } from './metrics-snapshot';

/** What happened between two scrapes, as rates (per second) and latency quantiles (ms). */
export interface WindowPoint {
  /** Epoch ms at the end of the interval. */
  readonly at: number;
  readonly requestsPerSec: number;
  readonly errorsPerSec: number;
  /** Null when no request completed in the interval. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly inputTokensPerSec: number;
  readonly outputTokensPerSec: number;
  /** USD spent in the interval. */
  readonly spendUsd: number;
}

/** Totals over a whole window. */
export interface WindowSummary {
  readonly seconds: number;
  readonly requests: number;
  readonly errors: number;
  readonly errorRate: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly tokens: number;
  readonly spendUsd: number;
}

/** `snapshots` plus `next`, keeping the newest `capacity` (a new array, for React state). */
export function appendSnapshot(
  snapshots: readonly MetricsSnapshot[],
  next: MetricsSnapshot,
  capacity: number,
): MetricsSnapshot[] {
  const kept = [...snapshots, next];
  return kept.length > capacity ? kept.slice(kept.length - capacity) : kept;
}

/** A counter's increase; a drop means the gateway restarted, and counting began again at 0. */
export function counterIncrease(previous: number, current: number): number {
  return current >= previous ? current - previous : current;
}

/** Bucket-wise increase of a cumulative histogram (a reset takes the current counts). */
export function bucketIncrease(previous: Buckets, current: Buckets): Buckets {
  const before = new Map(previous);
  const reset = current.some(([le, count]) => count < (before.get(le) ?? 0));
  return current.map(([le, count]) => [le, reset ? count : count - (before.get(le) ?? 0)] as const);
}

/**
 * Prometheus' `histogram_quantile`: linear interpolation inside the bucket holding the rank; a
 * rank in the +Inf bucket answers the highest finite bound. Seconds in, seconds out.
 */
export function histogramQuantile(q: number, buckets: Buckets): number | null {
  const last = buckets[buckets.length - 1];
  if (!last || last[1] <= 0) return null;
  const rank = q * last[1];
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return lowerBound;
      if (count === lowerCount) return le;
      return lowerBound + ((le - lowerBound) * (rank - lowerCount)) / (count - lowerCount);
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}

function toMs(seconds: number | null): number | null {
  return seconds === null ? null : seconds * 1000;
}

/** One point per pair of consecutive snapshots. */
export function windowPoints(snapshots: readonly MetricsSnapshot[]): WindowPoint[] {
  const points: WindowPoint[] = [];
  for (let i = 1; i < snapshots.length; i++) {
    const prev = snapshots[i - 1] as MetricsSnapshot;
    const next = snapshots[i] as MetricsSnapshot;
    const seconds = Math.max((next.at - prev.at) / 1000, 0.001);
    const latency = bucketIncrease(prev.latency, next.latency);
    points.push({
      at: next.at,
      requestsPerSec: counterIncrease(prev.requests, next.requests) / seconds,
      errorsPerSec: counterIncrease(prev.errors, next.errors) / seconds,
      p50Ms: toMs(histogramQuantile(0.5, latency)),
      p99Ms: toMs(histogramQuantile(0.99, latency)),
      inputTokensPerSec: counterIncrease(prev.inputTokens, next.inputTokens) / seconds,
      outputTokensPerSec: counterIncrease(prev.outputTokens, next.outputTokens) / seconds,
      spendUsd: counterIncrease(prev.spendUsd, next.spendUsd),
    });
  }
  return points;
}

/** Totals from the first to the last snapshot; null when there are fewer than two. */
export function summarizeWindow(snapshots: readonly MetricsSnapshot[]): WindowSummary | null {
  const first = snapshots[0];
  const last = snapshots[snapshots.length - 1];
  if (!first || !last || first === last) return null;
  const points = windowPoints(snapshots);
  const sum = (pick: (p: WindowPoint, seconds: number) => number): number =>
    points.reduce((acc, p, i) => acc + pick(p, intervalSeconds(snapshots, i + 1)), 0);
  const requests = Math.round(sum((p, s) => p.requestsPerSec * s));
  const errors = Math.round(sum((p, s) => p.errorsPerSec * s));
  const latency = mergedIncrease(snapshots);
  return {
    seconds: (last.at - first.at) / 1000,
    requests,
    errors,
    errorRate: requests > 0 ? errors / requests : null,
    p50Ms: toMs(histogramQuantile(0.5, latency)),
    p99Ms: toMs(histogramQuantile(0.99, latency)),
    tokens: Math.round(sum((p, s) => (p.inputTokensPerSec + p.outputTokensPerSec) * s)),
    spendUsd: sum((p) => p.spendUsd),
  };
}

function intervalSeconds(snapshots: readonly MetricsSnapshot[], i: number): number {
  const prev = snapshots[i - 1] as MetricsSnapshot;
  const next = snapshots[i] as MetricsSnapshot;
  return Math.max((next.at - prev.at) / 1000, 0.001);
}

/** The latency histogram's increase over the window, summed interval by interval (resets safe). */
function mergedIncrease(snapshots: readonly MetricsSnapshot[]): Buckets {
  const totals = new Map<number, number>();
  for (let i = 1; i < snapshots.length; i++) {
    const prev = snapshots[i - 1] as MetricsSnapshot;
    const next = snapshots[i] as MetricsSnapshot;
    for (const [le, count] of bucketIncrease(prev.latency, next.latency)) {
      totals.set(le, (totals.get(le) ?? 0) + count);
    }
  }
  return [...totals.entries()].sort((a, b) => a[0] - b[0]);
}
