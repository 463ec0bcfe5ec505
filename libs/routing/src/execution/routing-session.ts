import type { RouterSettings } from '@routeiq/config';
import type { ResolvedDeployment } from '@routeiq/providers';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RouterDecision } from '../decision/router-decision';
import type { DecisionSubject } from '../decision/router-decision.log';
import type { ModelGroup } from '../model-group';
import type { RoutingContext } from '../strategies/routing-strategy';
import type { Selection, StrategyChoice } from './deployment-selector';
import { errorKindOf, fallbackGroups, isRetryable, retryDelayMs } from './fallback-plan';
import type { LogFields, RouteAttempt, RouteCompletion, RouteRequest } from './route-request';
import { RoutingFailures, secondsToNextMinute } from './routing-failures';

/** What a session needs from the router; the router implements it. */
export interface RoutingRuntime {
  readonly settings: RouterSettings;
  /** A group's deployments that can serve the request, or undefined when none can. */
  capableIn(group: string, request: RouteRequest): readonly ResolvedDeployment[] | undefined;
  select(
    capable: readonly ResolvedDeployment[],
    request: RouteRequest,
    choice: StrategyChoice,
    ctx: RoutingContext,
    tried?: ReadonlySet<string>,
    explain?: boolean,
  ): Selection;
  retryAfterSeconds(deployments: readonly ResolvedDeployment[]): number;
  attemptStarted(deployment: ResolvedDeployment): void;
  attemptFailed(
    deployment: ResolvedDeployment,
    error: unknown,
    latencyMs: number,
    logFields?: () => LogFields,
  ): void;
  attemptSucceeded(deployment: ResolvedDeployment, logFields?: () => LogFields): void;
  completed(
    deployment: ResolvedDeployment,
    completion: RouteCompletion,
    latencyMs: number,
    ttftMs: number | undefined,
    logFields?: () => LogFields,
  ): void;
  publish(decision: RouterDecision, subject?: DecisionSubject): void;
}

interface Served {
  readonly deployment: ResolvedDeployment;
  readonly startedAt: number;
}

/**
 * One request's trip through the router: the first choice (made at once, so the quota estimate
 * can use its prices), then attempts with retries within the group and fallbacks to other groups,
 * all before the first byte reaches the client. Ends with `finish`, which publishes the
 * `routeiq.router_decision.v1` record.
 */
export class RoutingSession implements DecisionSubject {
  readonly decision: RouterDecision;
  private first: Selection;
  private served: Served | undefined;
  private finished = false;
  private ended: RouteCompletion | undefined;
  private decisionUs = 0;
  /** Time spent waiting between retries (Retry-After, backoff), ms: not the gateway's overhead. */
  waitedMs = 0;
  /** `performance.now()` when the session began (the routing span starts here). */
  readonly startedAt = performance.now();

  constructor(
    private readonly runtime: RoutingRuntime,
    readonly request: RouteRequest,
    private readonly group: ModelGroup,
    private readonly capable: readonly ResolvedDeployment[],
    private readonly choice: StrategyChoice,
    private readonly ctx: RoutingContext,
    experiment: RouterDecision['experiment'],
  ) {
    this.first = this.timed(() => runtime.select(capable, request, choice, ctx, undefined, true));
    this.decision = {
      event: 'routeiq.router_decision.v1',
      request_id: request.requestId,
      timestamp: new Date().toISOString(),
      model_group: group.name,
      strategy: choice.strategy.name,
      strategy_version: this.first.strategyVersion ?? choice.strategy.version,
      // Undefined (left out of the JSON record) rather than spread in: one shape, built in one step.
      experiment,
      strategy_error: this.first.strategyError,
      candidates: this.first.candidates ?? [],
      selected: null,
      reason: this.first.reason,
      timings: { decision_us: 0, total_ms: 0 },
      outcome: 'error',
      // Set on a fallback; declared here so the record's JSON keeps the documented field order.
      fallback: undefined,
      attempts: [],
    };
  }

  /** The deployment of the first choice (prices for the quota estimate), else any of the group. */
  get firstDeployment(): ResolvedDeployment {
    return this.first.deployment ?? this.capable[0]!;
  }

  /** The first choice itself: undefined when no deployment was eligible. */
  get firstChoice(): ResolvedDeployment | undefined {
    return this.first.deployment;
  }

  /** Time spent choosing so far, microseconds. */
  get decisionMicros(): number {
    return Math.round(this.decisionUs);
  }

  /** The deployment that answered, once one has. */
  get servedDeployment(): ResolvedDeployment | undefined {
    return this.served?.deployment;
  }

  /** How the request ended, once `finish` has run. */
  get completion(): RouteCompletion | undefined {
    return this.ended;
  }

  get strategyName(): string {
    return this.choice.strategy.name;
  }

  /** Runs `attempt` until one succeeds, retrying and falling back as configured. */
  run<T>(
    attempt: RouteAttempt<T>,
    clientSignal: AbortSignal,
  ): Promise<{ value: T; deployment: ResolvedDeployment }> {
    const timeoutMs = this.request.timeoutMs;
    if (timeoutMs === undefined) return this.attempts(attempt, clientSignal, clientSignal);
    return this.withDeadline(attempt, clientSignal, timeoutMs);
  }

  private async withDeadline<T>(
    attempt: RouteAttempt<T>,
    clientSignal: AbortSignal,
    timeoutMs: number,
  ): Promise<{ value: T; deployment: ResolvedDeployment }> {
    // The deadline covers getting an answer: retries, waits, fallbacks, and a stream up to its
    // first content. Once the answer has started, only the deployment's own timeouts apply (a
    // long stream is not cut off, as with LiteLLM).
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    try {
      return await this.attempts(
        attempt,
        AbortSignal.any([clientSignal, deadline.signal]),
        clientSignal,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private async attempts<T>(
    attempt: RouteAttempt<T>,
    signal: AbortSignal,
    clientSignal: AbortSignal,
  ): Promise<{ value: T; deployment: ResolvedDeployment }> {
    let groupName = this.group.name;
    let capable = this.capable;
    let selection = this.first;
    let lastError: unknown;
    let fallbacks: string[] | undefined;
    for (;;) {
      const outcome = await this.runGroup(attempt, groupName, capable, selection, signal);
      if ('value' in outcome) return outcome;
      lastError = outcome.error;
      if (clientSignal.aborted || signal.aborted) throw this.final(lastError, clientSignal);
      fallbacks ??= this.fallbacksFor(lastError);
      const next = this.nextGroup(fallbacks);
      if (!next) throw lastError;
      this.decision.fallback = {
        from: this.group.name,
        to: next.name,
        reason: errorKindOf(lastError) ?? 'no_deployment_available',
      };
      groupName = next.name;
      capable = next.capable;
      selection = this.timed(() =>
        this.runtime.select(capable, this.request, this.choice, this.ctx),
      );
    }
  }

  /** Ends the request: metrics, health, and the decision record. Call exactly once. */
  finish(completion: RouteCompletion): void {
    if (this.finished) return;
    this.finished = true;
    this.ended = completion;
    const served = this.served;
    if (served) {
      const { firstByteAt } = completion;
      this.runtime.completed(
        served.deployment,
        completion,
        performance.now() - served.startedAt,
        firstByteAt === undefined ? undefined : firstByteAt - served.startedAt,
        this.request.logFields,
      );
    }
    this.decision.outcome = served && completion.ok ? 'success' : 'error';
    this.decision.timings.decision_us = Math.round(this.decisionUs);
    this.decision.timings.total_ms = Math.round(performance.now() - this.startedAt);
    // The session itself is the subject: nothing is allocated for listeners that ignore it.
    this.runtime.publish(this.decision, this);
  }

  private async runGroup<T>(
    attempt: RouteAttempt<T>,
    groupName: string,
    capable: readonly ResolvedDeployment[],
    initial: Selection,
    signal: AbortSignal,
  ): Promise<{ value: T; deployment: ResolvedDeployment } | { error: unknown }> {
    const settings = this.runtime.settings;
    const tried = new Set<string>();
    let selection = initial;
    let lastError: unknown;
    for (let retry = 0; ; retry++) {
      const deployment = selection.deployment;
      // Nothing eligible (any more): the upstream's own error says more than "none available".
      if (!deployment)
        return { error: lastError ?? this.unavailable(groupName, capable, selection) };
      tried.add(deployment.id);
      const startedAt = performance.now();
      this.runtime.attemptStarted(deployment);
      try {
        const value = await attempt(deployment, signal);
        this.succeeded(groupName, deployment, startedAt);
        return { value, deployment };
      } catch (error) {
        lastError = error;
        this.failed(groupName, deployment, startedAt, error);
        if (signal.aborted || retry >= (this.request.numRetries ?? settings.num_retries)) {
          return { error };
        }
        selection = this.timed(() =>
          this.runtime.select(capable, this.request, this.choice, this.ctx, tried),
        );
        if (!isRetryable(error, selection.deployment !== undefined)) return { error };
        if (selection.deployment) continue;
        const wait = retryDelayMs(error, retry, settings.retry_after * 1000);
        if (wait === undefined || this.pastDeadline(wait)) return { error };
        const sleptFrom = performance.now();
        const slept = await sleep(wait, true, { signal }).catch(() => false);
        this.waitedMs += performance.now() - sleptFrom;
        if (!slept) return { error };
        tried.clear();
        selection = this.timed(() =>
          this.runtime.select(capable, this.request, this.choice, this.ctx),
        );
      }
    }
  }

  private succeeded(group: string, deployment: ResolvedDeployment, startedAt: number): void {
    this.served = { deployment, startedAt };
    this.runtime.attemptSucceeded(deployment, this.request.logFields);
    this.decision.selected = deployment.id;
    this.decision.attempts.push({
      model_group: group,
      deployment: deployment.id,
      outcome: 'success',
      duration_ms: Math.round(performance.now() - startedAt),
    });
  }

  private failed(
    group: string,
    deployment: ResolvedDeployment,
    startedAt: number,
    error: unknown,
  ): void {
    const latencyMs = performance.now() - startedAt;
    this.runtime.attemptFailed(deployment, error, latencyMs, this.request.logFields);
    const failure = error as { code?: unknown; status?: unknown };
    this.decision.attempts.push({
      model_group: group,
      deployment: deployment.id,
      outcome: 'error',
      ...(typeof failure.code === 'string' && { error_code: failure.code }),
      ...(errorKindOf(error) !== undefined && { error_kind: errorKindOf(error) }),
      ...(typeof failure.status === 'number' && { status: failure.status }),
      duration_ms: Math.round(latencyMs),
    });
  }

  private unavailable(
    group: string,
    capable: readonly ResolvedDeployment[],
    selection: Selection,
  ): unknown {
    if (this.decision.attempts.length === 0) this.decision.reason = selection.reason;
    // Over rpm/tpm: nothing is back before the per-minute counts start again.
    const retryAfter = selection.overLimit
      ? secondsToNextMinute(Date.now())
      : this.runtime.retryAfterSeconds(capable);
    return RoutingFailures.noDeploymentAvailable(
      group,
      selection.reason,
      retryAfter,
      selection.overLimit,
    );
  }

  private fallbacksFor(error: unknown): string[] {
    const groups = fallbackGroups(this.runtime.settings, this.group.name, error);
    const seen = new Set<string>([this.group.name]);
    const out: string[] = [];
    for (const name of groups) {
      if (seen.has(name) || !this.request.allowsModel(name)) continue;
      seen.add(name);
      out.push(name);
      if (out.length >= this.runtime.settings.max_fallbacks) break;
    }
    return out;
  }

  private nextGroup(
    queue: string[],
  ): { name: string; capable: readonly ResolvedDeployment[] } | undefined {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const capable = this.runtime.capableIn(name, this.request);
      if (capable && capable.length > 0) return { name, capable };
    }
    return undefined;
  }

  /** The error to give the client once nothing more will be tried. */
  private final(error: unknown, clientSignal: AbortSignal): unknown {
    const timeoutMs = this.request.timeoutMs;
    if (!clientSignal.aborted && timeoutMs !== undefined) {
      return RoutingFailures.requestTimeout(timeoutMs);
    }
    return error;
  }

  private pastDeadline(extraMs: number): boolean {
    const timeoutMs = this.request.timeoutMs;
    return timeoutMs !== undefined && performance.now() + extraMs - this.startedAt >= timeoutMs;
  }

  private timed(choose: () => Selection): Selection {
    const started = performance.now();
    const selection = choose();
    this.decisionUs += (performance.now() - started) * 1000;
    return selection;
  }
}
