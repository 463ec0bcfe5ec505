import type { DeploymentConfig } from '@routeiq/config';
import { InMemoryDeploymentUsageStore } from '@routeiq/coordination';
import { MockAdapter, type ResolvedDeployment } from '@routeiq/providers';
import {
  BUILT_IN_STRATEGIES,
  DeploymentMetricsService,
  type RoutingContext,
  type RoutingStrategy,
} from '@routeiq/routing';
import type { CliConfig } from './cli.config';
import type { CliOutput } from './migrate.command';

/** One strategy's decision time, in microseconds. */
export interface RoutingBenchResult {
  strategy: string;
  version: string;
  p50_us: number;
  p99_us: number;
  mean_us: number;
  samples: number;
  /** How the samples were taken, and what they include. */
  timing: string;
  /** Median cost of the two clock reads around an empty sample, already in the figures. */
  clock_overhead_us: number;
  /** Mean per pick of as many picks again, timed as one loop: no clock read per pick. */
  loop_mean_us: number;
}

export interface RoutingBenchOptions {
  /** Timed `pick` calls per strategy. */
  readonly iterations: number;
  /** Untimed calls first, so the figures are of optimised code. */
  readonly warmup: number;
}

export const ROUTING_BENCH_DEFAULTS: RoutingBenchOptions = { iterations: 100_000, warmup: 20_000 };

const GROUP_SIZE = 8;
const ADAPTER = new MockAdapter();
/** Keeps the picks observable, so the optimiser cannot drop the calls being timed. */
let sink = 0;

function fakeDeployment(i: number): ResolvedDeployment {
  const id = `bench-${i}`;
  const config: DeploymentConfig = {
    modelName: 'bench',
    provider: 'mock',
    upstreamModel: `model-${i}`,
    litellmParams: {
      model: `mock/model-${i}`,
      weight: 1 + (i % 4),
      rpm: 1_000 * (i + 1),
      tpm: 1_000_000 * (i + 1),
      extra: {},
    },
    modelInfo: {
      id,
      input_cost_per_token: 1e-7 * (1 + ((i * 3) % 8)),
      output_cost_per_token: 4e-7 * (1 + ((i * 5) % 8)),
      extra: {},
    },
  };
  return {
    id,
    modelName: 'bench',
    provider: 'mock',
    upstreamModel: config.upstreamModel,
    connection: { apiBase: 'http://127.0.0.1:1' },
    timeoutMs: 600_000,
    streamTimeoutMs: 600_000,
    config,
    adapter: ADAPTER,
    dropParams: false,
    extraHeaders: {},
  };
}

/** Metrics of a group in use: calls in flight, latency and TTFT averages, usage this minute. */
function seededMetrics(
  group: readonly ResolvedDeployment[],
  now: number,
): DeploymentMetricsService {
  const metrics = new DeploymentMetricsService(new InMemoryDeploymentUsageStore());
  group.forEach((deployment, i) => {
    for (let call = 0; call < 20 + i * 7; call++) {
      metrics.begin(deployment.id, now);
      metrics.firstByte(deployment.id, 80 + ((i * 37 + call) % 50));
      const latencyMs = 300 + ((i * 53 + call * 11) % 400);
      metrics.end(deployment.id, { ok: true, latencyMs, tokens: 400 + i * 90 }, now);
    }
    for (let open = 0; open < (i * 5) % 4; open++) metrics.begin(deployment.id, now);
  });
  return metrics;
}

function clockOverheadNs(samples: number): number {
  const times = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    times[i] = Number(process.hrtime.bigint() - start);
  }
  return times.sort()[Math.floor(samples / 2)]!;
}

function timePicks(
  strategy: RoutingStrategy,
  group: readonly ResolvedDeployment[],
  ctx: RoutingContext,
  options: RoutingBenchOptions,
): Float64Array {
  for (let i = 0; i < options.warmup; i++) sink ^= strategy.pick(group, ctx).reason.length;
  const times = new Float64Array(options.iterations);
  for (let i = 0; i < options.iterations; i++) {
    const start = process.hrtime.bigint();
    const pick = strategy.pick(group, ctx);
    times[i] = Number(process.hrtime.bigint() - start);
    sink ^= pick.reason.length;
  }
  return times.sort();
}

function loopMeanNs(
  strategy: RoutingStrategy,
  group: readonly ResolvedDeployment[],
  ctx: RoutingContext,
  iterations: number,
): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink ^= strategy.pick(group, ctx).reason.length;
  return Number(process.hrtime.bigint() - start) / iterations;
}

const round3 = (ns: number): number => Math.round(ns) / 1000;

/** Times `pick` on a group of 8 deployments for every built-in strategy. */
export function benchRouting(
  options: RoutingBenchOptions = ROUTING_BENCH_DEFAULTS,
): RoutingBenchResult[] {
  const group = Array.from({ length: GROUP_SIZE }, (_, i) => fakeDeployment(i));
  const ctx: RoutingContext = {
    metrics: seededMetrics(group, Date.now()),
    args: { lowest_latency_buffer: 0.1 },
    estimatedTokens: 500,
    stream: false,
    random: Math.random,
  };
  const overheadNs = clockOverheadNs(Math.min(options.iterations, 10_000));
  return BUILT_IN_STRATEGIES.map((strategy) => {
    const times = timePicks(strategy, group, ctx, options);
    const n = times.length;
    return {
      strategy: strategy.name,
      version: strategy.version,
      p50_us: round3(times[Math.floor((n - 1) * 0.5)]!),
      p99_us: round3(times[Math.floor((n - 1) * 0.99)]!),
      mean_us: round3(times.reduce((sum, ns) => sum + ns, 0) / n),
      samples: n,
      timing: `each pick timed alone (process.hrtime.bigint), ${GROUP_SIZE} candidates, clock reads included`,
      clock_overhead_us: round3(overheadNs),
      loop_mean_us: round3(loopMeanNs(strategy, group, ctx, options.iterations)),
    };
  });
}

/** `routeiq bench-routing`: one JSON line per strategy on stdout. */
export function benchRoutingCommand(
  _config: CliConfig,
  _configFile: string | undefined,
  io: CliOutput,
  options: RoutingBenchOptions = ROUTING_BENCH_DEFAULTS,
): Promise<void> {
  for (const result of benchRouting(options)) io.out(JSON.stringify(result));
  if (sink === -1) io.err('unreachable');
  return Promise.resolve();
}
