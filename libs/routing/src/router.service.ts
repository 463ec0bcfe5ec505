import { Injectable } from '@nestjs/common';
import type { RouterSettings } from '@routeiq/config';
import type { ProviderCapability, ResolvedDeployment } from '@routeiq/providers';
import type { RouterDecision } from './decision/router-decision';
import { RouterDecisionLog, type DecisionSubject } from './decision/router-decision.log';
import { DeploymentSelector, type StrategyChoice } from './execution/deployment-selector';
import type { LogFields, RouteCompletion, RouteRequest } from './execution/route-request';
import { RoutingSession, type RoutingRuntime } from './execution/routing-session';
import { DeploymentHealthService } from './health/deployment-health.service';
import { DeploymentMetricsService } from './metrics/deployment-metrics.service';
import type { ModelGroup } from './model-group';
import { ModelRegistryService } from './model-registry.service';
import { StrategyRegistryService } from './registry/strategy-registry.service';
import type { SelectionKeys } from './registry/strategy-registry.types';
import { RoutingException } from './routing.exception';
import type { RoutingContext } from './strategies/routing-strategy';

const NO_NEEDS: readonly ProviderCapability[] = [];

/**
 * Chooses the deployment that serves a request and carries the request through retries,
 * cooldowns, breakers and fallbacks (`begin` → `RoutingSession`).
 */
@Injectable()
export class RouterService implements RoutingRuntime {
  private readonly selector: DeploymentSelector;
  /** Contexts made by `prepare`, which `begin` reuses; created on the first prepared request. */
  private prepared: WeakMap<RouteRequest, RoutingContext> | undefined;

  constructor(
    private readonly registry: ModelRegistryService,
    private readonly strategies: StrategyRegistryService,
    private readonly health: DeploymentHealthService,
    private readonly metrics: DeploymentMetricsService,
    private readonly decisions: RouterDecisionLog,
  ) {
    this.selector = new DeploymentSelector(health, metrics);
  }

  get settings(): RouterSettings {
    return this.registry.settings;
  }

  /**
   * Lets the strategy that `begin` will select (the selection is deterministic per request keys)
   * do its asynchronous preparation, when it has any: a learned router embeds the prompt. Returns
   * undefined — nothing to await — for every other strategy, for an unknown group or one that
   * cannot serve the request (`begin` reports those). The promise never rejects. Call `begin`
   * with the same `request` object afterwards: it routes with the prepared context.
   */
  prepare(request: RouteRequest, signal?: AbortSignal): Promise<void> | undefined {
    const strategy = this.strategies.select(selectionKeys(request)).strategy;
    if (strategy.prepare === undefined) return undefined;
    const group = this.registry.find(request.model);
    if (!group) return undefined;
    try {
      const capable = capableDeployments(group, request.capability, request.needs);
      const ctx = this.contextFor(request);
      (this.prepared ??= new WeakMap()).set(request, ctx);
      const options = { requestId: request.requestId, ...(signal && { signal }) };
      return strategy.prepare(capable, ctx, options)?.catch(() => undefined);
    } catch {
      // Preparing is best effort: `begin` finds the same problem, or the strategy's pick throws.
      return undefined;
    }
  }

  /**
   * Starts routing a request: the group (404 when unknown), its deployments able to serve it (400
   * naming the missing capability), the strategy (A/B), and the first choice. Throws only for a
   * request no deployment could ever serve; unavailability is handled by `run`.
   */
  begin(request: RouteRequest): RoutingSession {
    const group = this.registry.find(request.model);
    if (!group) throw RoutingException.modelNotFound(request.model);
    const capable = capableDeployments(group, request.capability, request.needs);
    const selection = this.strategies.select(selectionKeys(request));
    const choice: StrategyChoice = {
      strategy: selection.strategy,
      fallback: this.strategies.defaultStrategy(),
      onError: (message) => this.strategies.recordFailure(selection.strategy.name, message),
    };
    return new RoutingSession(
      this,
      request,
      group,
      capable,
      choice,
      this.prepared?.get(request) ?? this.contextFor(request),
      selection.experiment,
    );
  }

  /**
   * A deployment for `model` without running anything (existence and capability checks, token
   * counting): the first choice of a session that is never run.
   */
  route(
    model: string,
    capability: ProviderCapability,
    needs: readonly ProviderCapability[] = NO_NEEDS,
  ): ResolvedDeployment {
    const group = this.registry.find(model);
    if (!group) throw RoutingException.modelNotFound(model);
    return capableDeployments(group, capability, needs)[0]!;
  }

  /** The decision a request would get now, without calling anything (`POST /router/route`). */
  explain(request: RouteRequest): RouterDecision {
    const session = this.begin(request);
    return {
      ...session.decision,
      selected: session.firstChoice?.id ?? null,
      outcome: 'dry_run',
      timings: { decision_us: session.decisionMicros, total_ms: 0 },
      attempts: [],
    };
  }

  capableIn(groupName: string, request: RouteRequest): readonly ResolvedDeployment[] | undefined {
    const group = this.registry.find(groupName);
    if (!group) return undefined;
    try {
      return capableDeployments(group, request.capability, request.needs);
    } catch {
      return undefined;
    }
  }

  select(
    ...args: Parameters<DeploymentSelector['select']>
  ): ReturnType<DeploymentSelector['select']> {
    return this.selector.select(...args);
  }

  retryAfterSeconds(deployments: readonly ResolvedDeployment[]): number {
    return this.health.retryAfterSeconds(deployments, Date.now());
  }

  attemptStarted(deployment: ResolvedDeployment): void {
    this.metrics.begin(deployment.id, Date.now());
  }

  attemptFailed(
    deployment: ResolvedDeployment,
    error: unknown,
    latencyMs: number,
    logFields?: () => LogFields,
  ): void {
    const timedOut = (error as { status?: unknown }).status === 504;
    this.metrics.end(deployment.id, { ok: false, latencyMs, tokens: 0, timedOut }, Date.now());
    this.health.recordFailure(deployment, error, Date.now(), logFields);
  }

  attemptSucceeded(deployment: ResolvedDeployment, logFields?: () => LogFields): void {
    this.health.recordSuccess(deployment, Date.now(), logFields);
  }

  completed(
    deployment: ResolvedDeployment,
    completion: RouteCompletion,
    latencyMs: number,
    ttftMs: number | undefined,
    logFields?: () => LogFields,
  ): void {
    if (ttftMs !== undefined) this.metrics.firstByte(deployment.id, ttftMs);
    // A stream's whole duration depends on the answer's length: only its first token counts.
    this.metrics.end(
      deployment.id,
      { ok: completion.ok, latencyMs, tokens: completion.tokens, stream: ttftMs !== undefined },
      Date.now(),
    );
    if (completion.error !== undefined) {
      this.health.recordFailure(deployment, completion.error, Date.now(), logFields);
    }
  }

  publish(decision: RouterDecision, subject?: DecisionSubject): void {
    this.decisions.publish(decision, subject);
  }

  private contextFor(request: RouteRequest): RoutingContext {
    return {
      metrics: this.metrics,
      args: this.registry.settings.routing_strategy_args,
      estimatedTokens: request.estimatedTokens,
      stream: request.stream,
      random: Math.random,
      ...(request.prompt && { prompt: request.prompt }),
    };
  }
}

function selectionKeys(request: RouteRequest): SelectionKeys {
  return { tenant: request.tenant, user: request.user, requestId: request.requestId };
}

/**
 * The group's deployments whose provider can serve `capability` and every one of `needs`; none →
 * 400 naming what is missing, before any upstream call.
 */
export function capableDeployments(
  group: ModelGroup,
  capability: ProviderCapability,
  needs: readonly ProviderCapability[],
): readonly ResolvedDeployment[] {
  const model = group.name;
  let candidates = group.byCapability.get(capability) ?? [];
  for (const need of needs) {
    if (candidates.length === 0) break;
    const able = group.byCapability.get(need);
    if (able && able.length !== group.deployments.length) {
      candidates = candidates.filter((deployment) => able.includes(deployment));
    }
    if (candidates.length === 0) throw RoutingException.noCapableDeployment(model, need);
  }
  if (candidates.length === 0) throw RoutingException.noCapableDeployment(model, capability);
  return candidates;
}
