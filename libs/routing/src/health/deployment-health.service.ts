import { GatewayMetrics } from '@routeiq/observability';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  type BusMessage,
  CoordinationBus,
  type CircuitState,
  type DeploymentHealthState,
  DeploymentHealthStore,
  effectiveCircuit,
  HEALTHY,
  type HealthEvent,
  type HealthPolicy,
} from '@routeiq/coordination';
import type { ResolvedDeployment } from '@routeiq/providers';
import type { LogFields } from '../execution/route-request';
import { ModelRegistryService } from '../model-registry.service';
import {
  eligibleAt,
  failureEvent,
  healthPolicy,
  healthStateFrom,
  newerState,
  sameState,
} from './deployment-health.policy';
import { OutageLog } from './outage-log';

/** Bus topic of health changes: `{ deploymentId, state }`, or `{ reset: true, deploymentId? }`. */
export const DEPLOYMENT_HEALTH_TOPIC = 'routing.deployment_health';
/** Safety net for missed bus messages (a replica that was disconnected, a lost publish). */
const REFRESH_INTERVAL_MS = 10_000;
const SUCCESS: HealthEvent = { type: 'success' };

/** Whether the router may send a request to a deployment now. Half-open counts as eligible. */
export type DeploymentAvailability = 'eligible' | 'cooldown' | 'breaker_open';

/** One deployment's health in `GET /router/info`. */
export interface DeploymentHealthSnapshot {
  deployment: string;
  model_group: string;
  circuit: CircuitState;
  /** ISO time the cooldown ends; null when the deployment is not cooling down. */
  cooldown_until: string | null;
}

export type DeploymentHealthListener = (deploymentId: string, state: DeploymentHealthState) => void;

/**
 * Cooldowns and circuit breakers of deployments, shared by every replica. The store applies each
 * event atomically; this replica keeps a local copy the router reads synchronously, updated from
 * its own events at once, from the other replicas' over the bus, and from the store every 10 s.
 *
 * Out-of-order views merge by `newerState` (the last circuit change wins, then the longer
 * cooldown), so a replica's own echo or a late message never rolls state back. A periodic refresh
 * replaces the local copy with the store's unless something changed locally while it was read.
 */
@Injectable()
export class DeploymentHealthService implements OnModuleInit, OnModuleDestroy {
  private readonly states = new Map<string, DeploymentHealthState>();
  private readonly listeners = new Set<DeploymentHealthListener>();
  private readonly logger = new Logger('DeploymentHealth');
  private readonly outages = new OutageLog(this.logger);
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Bumped on every local change, so a refresh that raced one merges instead of replacing. */
  private changes = 0;

  constructor(
    private readonly store: DeploymentHealthStore,
    private readonly bus: CoordinationBus,
    private readonly registry: ModelRegistryService,
    private readonly metrics: GatewayMetrics,
  ) {
    metrics.observeOpenBreakers(() => this.openBreakers(Date.now()));
  }

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(DEPLOYMENT_HEALTH_TOPIC, (m) => this.onMessage(m));
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Synchronous and allocation-free: called for every candidate of every request. */
  availability(deployment: ResolvedDeployment, now: number): DeploymentAvailability {
    const state = this.states.get(deployment.id);
    if (state === undefined) return 'eligible';
    if (state.circuit === 'open' && now < state.circuitSince + this.halfOpenAfterMs()) {
      return 'breaker_open';
    }
    return now < state.cooldownUntil ? 'cooldown' : 'eligible';
  }

  /** Counts a failed call against the deployment when it is the deployment's fault. Never throws. */
  recordFailure(
    deployment: ResolvedDeployment,
    error: unknown,
    now: number = Date.now(),
    logFields?: () => LogFields,
  ): void {
    const event = failureEvent(error);
    if (event !== undefined) void this.record(deployment, event, now, logFields);
  }

  /** Counts a trial success while the breaker is half-open; otherwise free. Never throws. */
  recordSuccess(
    deployment: ResolvedDeployment,
    now: number = Date.now(),
    logFields?: () => LogFields,
  ): void {
    const state = this.states.get(deployment.id);
    if (state === undefined || state.circuit === 'closed') return;
    if (effectiveCircuit(state, now, this.halfOpenAfterMs()) !== 'half_open') return;
    void this.record(deployment, SUCCESS, now, logFields);
  }

  /** Whole seconds (at least 1) until the first of `deployments` may serve again. */
  retryAfterSeconds(deployments: readonly ResolvedDeployment[], now: number): number {
    const halfOpenAfterMs = this.halfOpenAfterMs();
    let earliest = Number.POSITIVE_INFINITY;
    for (const deployment of deployments) {
      const state = this.states.get(deployment.id);
      earliest = Math.min(earliest, state === undefined ? 0 : eligibleAt(state, halfOpenAfterMs));
    }
    if (earliest === Number.POSITIVE_INFINITY) return 1;
    return Math.max(1, Math.ceil((earliest - now) / 1000));
  }

  /** Every configured deployment's breaker and cooldown, for `GET /router/info`. */
  snapshot(now: number): DeploymentHealthSnapshot[] {
    const halfOpenAfterMs = this.halfOpenAfterMs();
    const rows: DeploymentHealthSnapshot[] = [];
    for (const group of this.registry.groups()) {
      for (const deployment of group.deployments) {
        const state = this.states.get(deployment.id) ?? HEALTHY;
        rows.push({
          deployment: deployment.id,
          model_group: group.name,
          circuit: effectiveCircuit(state, now, halfOpenAfterMs),
          cooldown_until:
            state.cooldownUntil > now ? new Date(state.cooldownUntil).toISOString() : null,
        });
      }
    }
    return rows;
  }

  /** Ids of deployments whose breaker is open now (readiness reports "degraded"). */
  openBreakers(now: number): string[] {
    const halfOpenAfterMs = this.halfOpenAfterMs();
    const open: string[] = [];
    for (const [id, state] of this.states) {
      if (effectiveCircuit(state, now, halfOpenAfterMs) === 'open') open.push(id);
    }
    return open;
  }

  /**
   * Forgets one deployment's health, or every deployment's, on every replica. Rejects when the
   * store cannot be reset; a lost announcement is only logged (the others catch up on refresh).
   */
  async reset(deploymentId?: string): Promise<void> {
    await this.store.reset(deploymentId);
    this.forget(deploymentId);
    const payload = deploymentId === undefined ? { reset: true } : { reset: true, deploymentId };
    this.publish(payload);
  }

  /** Called with every change of a deployment's state seen here; returns the unsubscribe. */
  onChange(listener: DeploymentHealthListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async record(
    deployment: ResolvedDeployment,
    event: HealthEvent,
    now: number,
    logFields?: () => LogFields,
  ): Promise<void> {
    let policy: HealthPolicy;
    let state: DeploymentHealthState;
    let changed: boolean;
    try {
      const groupSize = this.registry.find(deployment.modelName)?.deployments.length;
      policy = healthPolicy(deployment, this.registry.settings, groupSize);
      ({ state, changed } = await this.store.record(deployment.id, event, policy, now));
    } catch (error) {
      this.outages.failed('deployment health store', error);
      return;
    }
    this.outages.recovered('deployment health store');
    const before = this.states.get(deployment.id) ?? HEALTHY;
    this.merge(deployment.id, state);
    this.logTransition(deployment, before, state, policy, now, logFields?.() ?? {});
    if (changed) this.publish({ deploymentId: deployment.id, state });
  }

  private onMessage(message: BusMessage): void {
    const { deploymentId, state, reset } = message.payload;
    if (reset === true && deploymentId === undefined) return this.forget(undefined);
    if (typeof deploymentId !== 'string') return;
    if (reset === true) return this.forget(deploymentId);
    const parsed = healthStateFrom(state);
    if (parsed !== undefined) this.merge(deploymentId, parsed);
  }

  private async refresh(): Promise<void> {
    const changesBefore = this.changes;
    let stored: ReadonlyMap<string, DeploymentHealthState>;
    try {
      stored = await this.store.readAll();
    } catch (error) {
      this.outages.failed('deployment health store', error);
      return;
    }
    this.outages.recovered('deployment health store');
    if (this.changes !== changesBefore) {
      for (const [id, state] of stored) this.merge(id, state);
      return;
    }
    for (const id of [...this.states.keys()]) if (!stored.has(id)) this.forget(id);
    for (const [id, state] of stored) this.set(id, state);
  }

  private merge(deploymentId: string, incoming: DeploymentHealthState): void {
    const next = newerState(this.states.get(deploymentId), incoming);
    if (next !== undefined) this.set(deploymentId, next);
  }

  private set(deploymentId: string, state: DeploymentHealthState): void {
    const current = this.states.get(deploymentId);
    if (current !== undefined && sameState(current, state)) return;
    this.states.set(deploymentId, state);
    this.changed(deploymentId, state);
  }

  private forget(deploymentId: string | undefined): void {
    const ids = deploymentId === undefined ? [...this.states.keys()] : [deploymentId];
    for (const id of ids) if (this.states.delete(id)) this.changed(id, HEALTHY);
  }

  private changed(deploymentId: string, state: DeploymentHealthState): void {
    this.changes += 1;
    for (const listener of this.listeners) {
      try {
        listener(deploymentId, state);
      } catch (error) {
        this.logger.error('deployment health listener failed', (error as Error).stack);
      }
    }
  }

  private publish(payload: Record<string, unknown>): void {
    this.bus.publish(DEPLOYMENT_HEALTH_TOPIC, payload).then(
      () => this.outages.recovered('coordination bus'),
      (error: unknown) => this.outages.failed('coordination bus', error),
    );
  }

  /** Compares stored circuits: half-open is stored by the first trial success, unannounced. */
  private logTransition(
    deployment: ResolvedDeployment,
    before: DeploymentHealthState,
    after: DeploymentHealthState,
    policy: HealthPolicy,
    now: number,
    fields: LogFields,
  ): void {
    const name = `deployment ${deployment.id} (model group ${deployment.modelName})`;
    if (after.circuit !== before.circuit) {
      this.metrics.breakerTransition(deployment.id, before.circuit, after.circuit);
    }
    if (after.circuit !== before.circuit || after.circuitSince !== before.circuitSince) {
      if (after.circuit === 'open') {
        this.logger.log(
          fields,
          `circuit breaker opened for ${name}; half-open in ${policy.halfOpenAfterMs / 1000} s`,
        );
      } else if (after.circuit === 'half_open' && before.circuit !== 'half_open') {
        this.logger.log(fields, `circuit breaker half-open for ${name}: trial requests allowed`);
      } else if (after.circuit === 'closed' && before.circuit !== 'closed') {
        this.logger.log(fields, `circuit breaker closed for ${name}`);
      }
    }
    if (after.cooldownUntil > now && before.cooldownUntil <= now) {
      this.metrics.cooldownStarted(deployment.id);
      this.logger.log(fields, `cooldown started for ${name}: ${after.cooldownUntil - now} ms`);
    }
  }

  private halfOpenAfterMs(): number {
    return this.registry.settings.circuit_breaker.recovery_timeout_seconds * 1000;
  }
}
