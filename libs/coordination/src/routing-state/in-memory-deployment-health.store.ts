import {
  DeploymentHealthStore,
  effectiveCircuit,
  HEALTHY,
  type DeploymentHealthState,
  type HealthEvent,
  type HealthPolicy,
  type HealthTransition,
} from './deployment-health.store';

/** Failures newer than this count towards `allowedFails` (LiteLLM's one-minute window). */
export const COOLDOWN_WINDOW_MS = 60_000;

type FailureEvent = Extract<HealthEvent, { type: 'failure' }>;

/**
 * Single-node DeploymentHealthStore: the state machine of the contract (mirrored by the Lua
 * script of RedisDeploymentHealthStore), atomic because each call runs synchronously.
 */
export class InMemoryDeploymentHealthStore extends DeploymentHealthStore {
  private readonly states = new Map<string, DeploymentHealthState>();
  private readonly failures = new Map<string, number[]>();

  async record(
    deploymentId: string,
    event: HealthEvent,
    policy: HealthPolicy,
    now: number,
  ): Promise<HealthTransition> {
    const before = this.states.get(deploymentId) ?? HEALTHY;
    if (event.type === 'success') return this.success(deploymentId, before, policy, now);
    const after = this.failure(deploymentId, before, event, policy, now);
    this.states.set(deploymentId, after);
    return { state: after, changed: changedBetween(before, after, policy, now) };
  }

  async readAll(): Promise<ReadonlyMap<string, DeploymentHealthState>> {
    return new Map(this.states);
  }

  async reset(deploymentId?: string): Promise<void> {
    if (deploymentId === undefined) {
      this.states.clear();
      this.failures.clear();
      return;
    }
    this.states.delete(deploymentId);
    this.failures.delete(deploymentId);
  }

  private failure(
    deploymentId: string,
    before: DeploymentHealthState,
    event: FailureEvent,
    policy: HealthPolicy,
    now: number,
  ): DeploymentHealthState {
    const keepAfter = now - Math.max(COOLDOWN_WINDOW_MS, policy.breakerWindowMs);
    const times = (this.failures.get(deploymentId) ?? []).filter((time) => time > keepAfter);
    times.push(now);
    this.failures.set(deploymentId, times);

    let { cooldownUntil } = before;
    if (
      policy.cooldownMs > 0 &&
      (event.coolImmediately || countAfter(times, now - COOLDOWN_WINDOW_MS) > policy.allowedFails)
    ) {
      const until = now + Math.max(policy.cooldownMs, event.coolForMs ?? 0);
      cooldownUntil = Math.max(cooldownUntil, until);
    }
    const circuit = effectiveCircuit(before, now, policy.halfOpenAfterMs);
    const opens =
      circuit === 'half_open' ||
      (circuit === 'closed' &&
        countAfter(times, now - policy.breakerWindowMs) >= policy.breakerFailures);
    return opens
      ? { circuit: 'open', circuitSince: now, probeSuccesses: 0, cooldownUntil }
      : { ...before, cooldownUntil };
  }

  private success(
    deploymentId: string,
    before: DeploymentHealthState,
    policy: HealthPolicy,
    now: number,
  ): HealthTransition {
    if (effectiveCircuit(before, now, policy.halfOpenAfterMs) !== 'half_open') {
      return { state: before, changed: false };
    }
    const probeSuccesses = before.probeSuccesses + 1;
    if (probeSuccesses >= policy.closeAfterSuccesses) {
      const closed = { ...HEALTHY, circuitSince: now, cooldownUntil: before.cooldownUntil };
      this.states.set(deploymentId, closed);
      this.failures.delete(deploymentId);
      return { state: closed, changed: true };
    }
    const halfOpenSince =
      before.circuit === 'open'
        ? before.circuitSince + policy.halfOpenAfterMs
        : before.circuitSince;
    const probing: DeploymentHealthState = {
      circuit: 'half_open',
      circuitSince: halfOpenSince,
      probeSuccesses,
      cooldownUntil: before.cooldownUntil,
    };
    this.states.set(deploymentId, probing);
    return { state: probing, changed: false };
  }
}

function countAfter(times: readonly number[], after: number): number {
  let count = 0;
  for (const time of times) if (time > after) count += 1;
  return count;
}

function changedBetween(
  before: DeploymentHealthState,
  after: DeploymentHealthState,
  policy: HealthPolicy,
  now: number,
): boolean {
  return (
    before.cooldownUntil !== after.cooldownUntil ||
    effectiveCircuit(before, now, policy.halfOpenAfterMs) !==
      effectiveCircuit(after, now, policy.halfOpenAfterMs)
  );
}
