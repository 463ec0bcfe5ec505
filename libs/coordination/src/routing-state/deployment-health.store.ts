/** A deployment's circuit breaker, as every replica sees it. */
export type CircuitState = 'closed' | 'open' | 'half_open';

/** Shared health of one deployment: its breaker and its cooldown. */
export interface DeploymentHealthState {
  /** As stored: `open` turns `half_open` by time alone (see `effectiveCircuit`). */
  readonly circuit: CircuitState;
  /** Epoch ms the circuit entered its stored state. */
  readonly circuitSince: number;
  /** Successes counted while half-open. */
  readonly probeSuccesses: number;
  /** Epoch ms the cooldown ends; 0 when the deployment is not cooling down. */
  readonly cooldownUntil: number;
}

/** Thresholds of one deployment (from `router_settings` and its own `litellm_params`). */
export interface HealthPolicy {
  /** Failures within the last 60 s tolerated; one more starts a cooldown (LiteLLM's `allowed_fails`). */
  readonly allowedFails: number;
  /** Cooldown length; 0 turns cooldowns off. */
  readonly cooldownMs: number;
  /** Failures within `breakerWindowMs` that open the breaker. */
  readonly breakerFailures: number;
  readonly breakerWindowMs: number;
  /** An open breaker lets trial requests through (half-open) after this long. */
  readonly halfOpenAfterMs: number;
  /** Successes in half-open that close the breaker. */
  readonly closeAfterSuccesses: number;
}

export type HealthEvent =
  | {
      readonly type: 'failure';
      /** Cool down now whatever the count (429, 401, 404: retrying this deployment soon is futile). */
      readonly coolImmediately: boolean;
      /** A longer cooldown asked for by the upstream (`Retry-After`), ms. */
      readonly coolForMs?: number;
    }
  | { readonly type: 'success' };

export interface HealthTransition {
  readonly state: DeploymentHealthState;
  /**
   * True when the effective circuit (as of `now`) or `cooldownUntil` changed: the caller tells
   * the other replicas. A half-open success that does not close the breaker is not a change.
   */
  readonly changed: boolean;
}

export const HEALTHY: DeploymentHealthState = {
  circuit: 'closed',
  circuitSince: 0,
  probeSuccesses: 0,
  cooldownUntil: 0,
};

/** The circuit as of `now`: an open breaker is half-open once `halfOpenAfterMs` has passed. */
export function effectiveCircuit(
  state: DeploymentHealthState,
  now: number,
  halfOpenAfterMs: number,
): CircuitState {
  return state.circuit === 'open' && now >= state.circuitSince + halfOpenAfterMs
    ? 'half_open'
    : state.circuit;
}

/**
 * Failure windows, breakers and cooldowns of deployments, shared by every replica: Redis (one Lua
 * script per event, so two replicas never half-apply a transition) or memory on a single node.
 *
 * The state machine, applied atomically per event:
 * - failure: added to a sliding window. More than `allowedFails` in 60 s, or `coolImmediately`,
 *   extends `cooldownUntil` to `now + max(cooldownMs, coolForMs)` (never shortens it: a
 *   `Retry-After` outlives later, shorter cooldowns; nothing when `cooldownMs` is 0).
 *   Closed with `breakerFailures` in `breakerWindowMs` → open (since now). Half-open → open again
 *   (since now, successes 0). Open → stays open.
 * - success: half-open → successes + 1 (stored `half_open` since it became so); at
 *   `closeAfterSuccesses` → closed (since now) and the failure window cleared. Closed or still
 *   open → nothing.
 * Windows hold failures newer than `now - window` (exclusive).
 */
export abstract class DeploymentHealthStore {
  abstract record(
    deploymentId: string,
    event: HealthEvent,
    policy: HealthPolicy,
    now: number,
  ): Promise<HealthTransition>;

  /** Every stored state (a replica catching up after start or reconnect). */
  abstract readAll(): Promise<ReadonlyMap<string, DeploymentHealthState>>;

  /** Forgets one deployment's state and failures, or every deployment's. */
  abstract reset(deploymentId?: string): Promise<void>;
}
