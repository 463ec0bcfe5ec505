import type { DeploymentUsage } from '@routeiq/coordination';
import type { ResolvedDeployment } from '@routeiq/providers';

/** What strategies may read about deployments; every read is synchronous and from memory. */
export interface DeploymentMetrics {
  /** Requests this replica has in flight on the deployment. */
  inFlight(deploymentId: string): number;
  /** EWMA of whole-call latency (ms) on this replica; undefined before the first answer. */
  latencyMs(deploymentId: string): number | undefined;
  /** EWMA of a stream's time to first token (ms); undefined before the first stream. */
  ttftMs(deploymentId: string): number | undefined;
  /** Requests and tokens of the current minute, all replicas. */
  usage(deploymentId: string): DeploymentUsage;
}

/**
 * Everything a strategy knows about the request it routes. The prompt text only through `prompt`,
 * built on demand for strategies that judge it (learned routers); never logged, never recorded.
 */
export interface RoutingContext {
  readonly metrics: DeploymentMetrics;
  /** `router_settings.routing_strategy_args`. */
  readonly args: Readonly<Record<string, unknown>>;
  /** Input plus expected output tokens (for tpm headroom and cost). */
  readonly estimatedTokens: number;
  readonly stream: boolean;
  /** Math.random, injectable for tests. */
  readonly random: () => number;
  /** The request's text to judge, built on first call (see `RouteRequest.prompt`). */
  readonly prompt?: () => string | undefined;
}

export interface StrategyPick {
  readonly deployment: ResolvedDeployment;
  /** Why, in a few words, e.g. `lowest latency 12 ms (buffer 10%)`. Never prompt text. */
  readonly reason: string;
  /**
   * The version that made this choice when it is not the strategy's fixed `version` (a learned
   * router's artifact, which a reload may replace between two picks).
   */
  readonly version?: string;
}

/** What `RoutingStrategy.prepare` may use besides the routing context. */
export interface PrepareOptions {
  /** The request's id (upstream calls made while preparing carry it). */
  readonly requestId: string;
  /** Aborted when the client goes away: preparation stops with it. */
  readonly signal?: AbortSignal;
}

/**
 * Picks one deployment among the candidates of a model group: capable of the request, not
 * cooling down, breaker not open, under their rpm/tpm. Candidates are never empty. Must not throw
 * in normal operation; if it does, the router uses the default strategy and records why.
 */
export abstract class RoutingStrategy {
  abstract readonly name: string;
  /**
   * Bumped when the strategy's behaviour changes (the decision record carries it, unless the pick
   * names its own `version`). May be a getter (a learned router's active artifact).
   */
  abstract readonly version: string;
  abstract pick(candidates: readonly ResolvedDeployment[], ctx: RoutingContext): StrategyPick;

  /**
   * Optional asynchronous work before the request is routed, for strategies whose `pick` needs
   * something it cannot compute synchronously (a learned router's prompt embedding). Called with
   * the requested group's capable deployments and the very `ctx` that `pick` will then receive,
   * so what it prepares can be keyed by that object. Returns undefined when there is nothing to
   * wait for. The promise never rejects: a failure leaves `pick` to throw, and the default
   * strategy chooses. Strategies without it cost the request path nothing.
   */
  prepare?(
    candidates: readonly ResolvedDeployment[],
    ctx: RoutingContext,
    options: PrepareOptions,
  ): Promise<void> | undefined;
}
