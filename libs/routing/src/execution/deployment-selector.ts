import type { ResolvedDeployment } from '@routeiq/providers';
import type { CandidateState, RouterDecisionCandidate } from '../decision/router-decision';
import type { DeploymentHealthService } from '../health/deployment-health.service';
import type { DeploymentMetricsService } from '../metrics/deployment-metrics.service';
import type { RoutingContext, RoutingStrategy } from '../strategies/routing-strategy';
import type { RouteRequest } from './route-request';

/** The outcome of one choice among a group's capable deployments. */
export interface Selection {
  /** Undefined when no candidate was eligible. */
  readonly deployment: ResolvedDeployment | undefined;
  readonly reason: string;
  /** Eligible candidates existed but were over their rpm/tpm (and none was cooling down). */
  readonly overLimit: boolean;
  /** The chosen strategy threw; the default strategy chose instead. */
  readonly strategyError?: string;
  /** The version the strategy gave for this pick (a learned router's artifact), when it gave one. */
  readonly strategyVersion?: string;
  readonly candidates?: RouterDecisionCandidate[];
}

export interface StrategyChoice {
  readonly strategy: RoutingStrategy;
  readonly fallback: RoutingStrategy;
  readonly onError: (message: string) => void;
}

const NO_TRIED: ReadonlySet<string> = new Set();

/**
 * Filters a group's capable deployments down to the eligible ones (not tried yet in this request,
 * not cooling down, breaker not open, under rpm/tpm) and lets the strategy choose among them. The
 * usual case — every candidate eligible — allocates nothing.
 */
export class DeploymentSelector {
  constructor(
    private readonly health: DeploymentHealthService,
    private readonly metrics: DeploymentMetricsService,
  ) {}

  select(
    capable: readonly ResolvedDeployment[],
    request: RouteRequest,
    choice: StrategyChoice,
    ctx: RoutingContext,
    tried: ReadonlySet<string> = NO_TRIED,
    explain = false,
  ): Selection {
    const now = Date.now();
    let eligible: ResolvedDeployment[] | undefined;
    let overLimit = 0;
    let unavailable = 0;
    const candidates: RouterDecisionCandidate[] | undefined = explain ? [] : undefined;
    for (let i = 0; i < capable.length; i++) {
      const deployment = capable[i]!;
      const state = this.stateOf(deployment, request, tried, now);
      candidates?.push({ deployment: deployment.id, state });
      if (state === 'eligible') {
        eligible?.push(deployment);
        continue;
      }
      if (state === 'over_limit') overLimit++;
      else if (state !== 'already_tried') unavailable++;
      eligible ??= capable.slice(0, i);
    }
    const pool = eligible ?? capable;
    if (pool.length === 0) {
      return {
        deployment: undefined,
        reason: noneReason(capable.length, overLimit, unavailable, tried.size),
        overLimit: overLimit > 0 && unavailable === 0,
        ...(candidates && { candidates }),
      };
    }
    const preferred = request.preferredId;
    if (preferred !== undefined) {
      const match = pool.find((deployment) => deployment.id === preferred);
      if (match) {
        return {
          deployment: match,
          reason: 'preferred deployment (continued conversation)',
          overLimit: false,
          ...(candidates && { candidates }),
        };
      }
    }
    return this.pick(pool, choice, ctx, candidates);
  }

  private pick(
    pool: readonly ResolvedDeployment[],
    choice: StrategyChoice,
    ctx: RoutingContext,
    candidates: RouterDecisionCandidate[] | undefined,
  ): Selection {
    try {
      const { deployment, reason, version } = choice.strategy.pick(pool, ctx);
      return {
        deployment,
        reason,
        overLimit: false,
        ...(version !== undefined && { strategyVersion: version }),
        ...(candidates && { candidates }),
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      choice.onError(message);
      const { deployment, reason } = choice.fallback.pick(pool, ctx);
      return {
        deployment,
        reason: `${reason} (default strategy: ${choice.strategy.name} failed)`,
        overLimit: false,
        strategyError: message.slice(0, 200),
        ...(candidates && { candidates }),
      };
    }
  }

  private stateOf(
    deployment: ResolvedDeployment,
    request: RouteRequest,
    tried: ReadonlySet<string>,
    now: number,
  ): CandidateState {
    if (tried.has(deployment.id)) return 'already_tried';
    const health = this.health.availability(deployment, now);
    if (health !== 'eligible') return health;
    const { rpm, tpm } = deployment.config.litellmParams;
    if (rpm === undefined && tpm === undefined) return 'eligible';
    const usage = this.metrics.usage(deployment.id);
    if (rpm !== undefined && usage.requests + 1 > rpm) return 'over_limit';
    if (tpm !== undefined && usage.tokens + request.estimatedTokens > tpm) return 'over_limit';
    return 'eligible';
  }
}

function noneReason(total: number, overLimit: number, unavailable: number, tried: number): string {
  if (total === tried) return 'every deployment has been tried';
  const parts: string[] = [];
  if (unavailable > 0) parts.push(`${unavailable} cooling down or breaker open`);
  if (overLimit > 0) parts.push(`${overLimit} over rpm/tpm`);
  if (tried > 0) parts.push(`${tried} already tried`);
  return `no eligible deployment (${parts.join(', ')})`;
}
