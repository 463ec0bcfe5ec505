import type { ResolvedDeployment } from '@routeiq/providers';
import { pickLowestScore } from './lowest-score.util';
import { type RoutingContext, RoutingStrategy, type StrategyPick } from './routing-strategy';

/**
 * A deployment's latency for this request: time to first token for a stream (whole-call latency
 * until a stream has been measured), whole-call latency otherwise; 0 without any data, so a
 * deployment nobody has measured yet is tried first (LiteLLM does the same).
 */
function latency(deployment: ResolvedDeployment, ctx: RoutingContext): number {
  const ttft = ctx.stream ? ctx.metrics.ttftMs(deployment.id) : undefined;
  return ttft ?? ctx.metrics.latencyMs(deployment.id) ?? 0;
}

/** `routing_strategy_args.lowest_latency_buffer`: a finite number ≥ 0, else 0. */
export function latencyBuffer(args: Readonly<Record<string, unknown>>): number {
  const value = args.lowest_latency_buffer;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * `latency-based-routing`: the lowest EWMA latency (TTFT for streams). With
 * `lowest_latency_buffer` b, a random pick among the candidates within (1 + b) × the lowest, so
 * the fastest deployment is not the only one that keeps getting measured.
 */
export class LatencyBasedRoutingStrategy extends RoutingStrategy {
  readonly name = 'latency-based-routing';
  readonly version = '1';

  pick(candidates: readonly ResolvedDeployment[], ctx: RoutingContext): StrategyPick {
    const buffer = latencyBuffer(ctx.args);
    const { deployment, score, best } = pickLowestScore(candidates, ctx, latency, buffer);
    const measured =
      ctx.stream && ctx.metrics.ttftMs(deployment.id) !== undefined ? 'ttft' : 'latency';
    if (best === 0) return { deployment, reason: `no ${measured} data yet: exploring` };
    const ms = `${score.toFixed(1)} ms`;
    if (buffer === 0) return { deployment, reason: `lowest ${measured} ${ms}` };
    return {
      deployment,
      reason: `${measured} ${ms}, within buffer ${buffer} of lowest ${best.toFixed(1)} ms`,
    };
  }
}
