import type {
  CircuitState,
  DeploymentHealthState,
  HealthEvent,
  HealthPolicy,
} from '@routeiq/coordination';
import type { RouterSettings } from '@routeiq/config';
import {
  ProviderErrorCode,
  ProviderErrorKind,
  ProviderException,
  type ResolvedDeployment,
} from '@routeiq/providers';

const CLIENT_CLOSED_STATUS = 499;
const CLIENT_CLOSED_CODE: string = ProviderErrorCode.ClientClosed;

// Retrying the same deployment soon is futile: it is throttling us, or the key or model is wrong.
const COOL_NOW: ReadonlySet<ProviderErrorKind> = new Set([
  ProviderErrorKind.RateLimited,
  ProviderErrorKind.Auth,
  ProviderErrorKind.NotFound,
]);
const COUNTED: ReadonlySet<ProviderErrorKind> = new Set([
  ProviderErrorKind.Unavailable,
  ProviderErrorKind.Timeout,
]);

const COUNTED_FAILURE: HealthEvent = { type: 'failure', coolImmediately: false };
const IMMEDIATE_FAILURE: HealthEvent = { type: 'failure', coolImmediately: true };

/**
 * The deployment's thresholds: its own `litellm_params` first, then `router_settings`. The only
 * deployment of its group never cools down (LiteLLM's rule: there is nothing to route to instead,
 * so a cooldown would only turn upstream errors into refusals); its breaker still works.
 */
export function healthPolicy(
  deployment: ResolvedDeployment,
  settings: RouterSettings,
  groupSize = 2,
): HealthPolicy {
  const params = deployment.config.litellmParams;
  const breaker = settings.circuit_breaker;
  return {
    allowedFails: params.allowed_fails ?? settings.allowed_fails,
    cooldownMs:
      settings.disable_cooldowns || groupSize <= 1
        ? 0
        : (params.cooldown_time ?? settings.cooldown_time) * 1000,
    breakerFailures: breaker.failure_threshold,
    breakerWindowMs: breaker.window_seconds * 1000,
    halfOpenAfterMs: breaker.recovery_timeout_seconds * 1000,
    closeAfterSuccesses: breaker.success_threshold,
  };
}

/**
 * What a failed call says about the deployment, or undefined when it is not the deployment's
 * fault (a bad request, a context-window or content-policy refusal, a client that went away, a
 * bug of ours).
 */
export function failureEvent(error: unknown): HealthEvent | undefined {
  if (!(error instanceof ProviderException)) return undefined;
  if (error.status === CLIENT_CLOSED_STATUS || error.code === CLIENT_CLOSED_CODE) {
    return undefined;
  }
  if (COUNTED.has(error.kind)) return COUNTED_FAILURE;
  if (!COOL_NOW.has(error.kind)) return undefined;
  const retryAfterMs =
    error.kind === ProviderErrorKind.RateLimited ? retryAfterHeaderMs(error.headers) : undefined;
  return retryAfterMs === undefined
    ? IMMEDIATE_FAILURE
    : { type: 'failure', coolImmediately: true, coolForMs: retryAfterMs };
}

/** An upstream may not take its deployment out of rotation for longer than this. */
const MAX_RETRY_AFTER_COOLDOWN_MS = 10 * 60_000;

/** A numeric `retry-after` (seconds) as ms, at most 10 min; HTTP dates and junk are ignored. */
function retryAfterHeaderMs(headers: Readonly<Record<string, string>>): number | undefined {
  const raw = headers['retry-after'] ?? headers['Retry-After'];
  if (raw === undefined || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds > 0
    ? Math.min(Math.ceil(seconds * 1000), MAX_RETRY_AFTER_COOLDOWN_MS)
    : undefined;
}

/** The time the deployment may serve again (0 when it already may), given when breakers half-open. */
export function eligibleAt(state: DeploymentHealthState, halfOpenAfterMs: number): number {
  const reopensAt = state.circuit === 'open' ? state.circuitSince + halfOpenAfterMs : 0;
  return Math.max(state.cooldownUntil, reopensAt);
}

const CIRCUITS: ReadonlySet<string> = new Set<CircuitState>(['closed', 'open', 'half_open']);

/** A state from the bus, checked field by field (another replica may run another version). */
export function healthStateFrom(value: unknown): DeploymentHealthState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { circuit, circuitSince, probeSuccesses, cooldownUntil } = value as Record<string, unknown>;
  if (typeof circuit !== 'string' || !CIRCUITS.has(circuit)) return undefined;
  if (!isCount(circuitSince) || !isCount(probeSuccesses) || !isCount(cooldownUntil)) {
    return undefined;
  }
  return { circuit: circuit as CircuitState, circuitSince, probeSuccesses, cooldownUntil };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Which of two views of one deployment to keep when they arrive out of order (bus messages,
 * refreshes): the circuit that changed last wins; for the same circuit period, the longer
 * cooldown and the higher probe count (both only grow within a period). Undefined → no change.
 */
export function newerState(
  current: DeploymentHealthState | undefined,
  incoming: DeploymentHealthState,
): DeploymentHealthState | undefined {
  if (current === undefined) return incoming;
  if (incoming.circuitSince !== current.circuitSince) {
    return incoming.circuitSince > current.circuitSince ? incoming : undefined;
  }
  if (incoming.circuit !== current.circuit) return incoming;
  if (
    incoming.cooldownUntil <= current.cooldownUntil &&
    incoming.probeSuccesses <= current.probeSuccesses
  ) {
    return undefined;
  }
  return {
    circuit: current.circuit,
    circuitSince: current.circuitSince,
    probeSuccesses: Math.max(current.probeSuccesses, incoming.probeSuccesses),
    cooldownUntil: Math.max(current.cooldownUntil, incoming.cooldownUntil),
  };
}

export function sameState(a: DeploymentHealthState, b: DeploymentHealthState): boolean {
  return (
    a.circuit === b.circuit &&
    a.circuitSince === b.circuitSince &&
    a.probeSuccesses === b.probeSuccesses &&
    a.cooldownUntil === b.cooldownUntil
  );
}
