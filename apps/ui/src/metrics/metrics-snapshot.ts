import type { PromSample } from './prometheus-parser';

/** Cumulative histogram buckets (`le` upper bound → count), ascending, ending with +Inf. */
export type Buckets = ReadonlyArray<readonly [le: number, count: number]>;

/** The gateway's traffic counters at one scrape (all cumulative since the process started). */
export interface MetricsSnapshot {
  /** Epoch ms of the scrape. */
  readonly at: number;
  readonly requests: number;
  readonly errors: number;
  /** `routeiq_request_duration_seconds`, all traffic routes merged. */
  readonly latency: Buckets;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly spendUsd: number;
  readonly inFlight: number;
}

// The console's own calls, scrapes and probes are not traffic the operator wants to watch.
const CONSOLE_ROUTE =
  /^\/(metrics|_health|ui|key|team|audit|spend|config|router|strategy|llmrouter\/mcp\/servers|a2a\/agents)(\/|$)/;

/** True for samples of routes that carry client traffic (inference, MCP, A2A calls). */
export function isTrafficRoute(route: string | undefined): boolean {
  return route === undefined || !CONSOLE_ROUTE.test(route);
}

/** Sums one metric over its traffic series. */
function total(samples: readonly PromSample[], name: string): number {
  let sum = 0;
  for (const s of samples) {
    if (s.name === name && isTrafficRoute(s.labels.route) && Number.isFinite(s.value))
      sum += s.value;
  }
  return sum;
}

function tokens(samples: readonly PromSample[], type: 'input' | 'output'): number {
  let sum = 0;
  for (const s of samples) {
    if (s.name === 'gen_ai_client_token_usage_sum' && s.labels.gen_ai_token_type === type) {
      sum += s.value;
    }
  }
  return sum;
}

/** Merges every traffic series of a histogram into one set of buckets. */
export function mergedBuckets(samples: readonly PromSample[], name: string): Buckets {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || !isTrafficRoute(s.labels.route)) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    if (Number.isNaN(le)) continue;
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe.entries()].sort((a, b) => a[0] - b[0]);
}

export function summarizeMetrics(samples: readonly PromSample[], at: number): MetricsSnapshot {
  return {
    at,
    requests: total(samples, 'routeiq_requests_total'),
    errors: total(samples, 'routeiq_request_errors_total'),
    latency: mergedBuckets(samples, 'routeiq_request_duration_seconds'),
    inputTokens: tokens(samples, 'input'),
    outputTokens: tokens(samples, 'output'),
    spendUsd: total(samples, 'routeiq_spend_usd_total'),
    inFlight: total(samples, 'routeiq_requests_in_flight'),
  };
}
