import { randomBytes } from 'node:crypto';
import type { CoordinationKeys } from '../coordination-keys';
import { CoordinationException } from '../coordination.exception';
import type { RedisConnections } from '../redis-connections';
import {
  DeploymentHealthStore,
  type CircuitState,
  type DeploymentHealthState,
  type HealthEvent,
  type HealthPolicy,
  type HealthTransition,
} from './deployment-health.store';
import { bounded, luaScript, readyCommand, runScript } from './redis-call';

/** Default per-call timeout: a hung Redis must not hang the request that reports an outcome. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 250;

// The contract's state machine, mirrored by InMemoryDeploymentHealthStore.
// KEYS[1]: the deployment's failure times (sorted set); KEYS[2]: the health hash.
// ARGV: id, event, now, unique member, coolImmediately (1/0), coolForMs, allowedFails, cooldownMs,
// breakerFailures, breakerWindowMs, halfOpenAfterMs, closeAfterSuccesses.
// Reply: {state as JSON, changed (1/0)}. A failure always writes the state, so the hash names
// every deployment that may have a failure set (reset() relies on it).
const RECORD = luaScript(`
local id, event, member = ARGV[1], ARGV[2], ARGV[4]
local now, coolFor = tonumber(ARGV[3]), tonumber(ARGV[6])
local allowedFails, cooldown = tonumber(ARGV[7]), tonumber(ARGV[8])
local breakerFailures, breakerWindow = tonumber(ARGV[9]), tonumber(ARGV[10])
local halfOpenAfter, closeAfter = tonumber(ARGV[11]), tonumber(ARGV[12])
local raw = redis.call('HGET', KEYS[2], id)
local s = {circuit = 'closed', circuitSince = 0, probeSuccesses = 0, cooldownUntil = 0}
if raw then s = cjson.decode(raw) end
local function effective()
  if s.circuit == 'open' and now >= s.circuitSince + halfOpenAfter then return 'half_open' end
  return s.circuit
end
local before, cooledUntil = effective(), s.cooldownUntil
if event == 'failure' then
  local keep = math.max(60000, breakerWindow)
  redis.call('ZADD', KEYS[1], now, member)
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - keep)
  redis.call('PEXPIRE', KEYS[1], math.ceil(keep))
  if cooldown > 0 and (ARGV[5] == '1' or
      redis.call('ZCOUNT', KEYS[1], '(' .. (now - 60000), '+inf') > allowedFails) then
    s.cooldownUntil = math.max(s.cooldownUntil, now + math.max(cooldown, coolFor))
  end
  if before == 'half_open' or (before == 'closed' and
      redis.call('ZCOUNT', KEYS[1], '(' .. (now - breakerWindow), '+inf') >= breakerFailures) then
    s.circuit, s.circuitSince, s.probeSuccesses = 'open', now, 0
  end
elseif before == 'half_open' then
  s.probeSuccesses = s.probeSuccesses + 1
  if s.probeSuccesses >= closeAfter then
    s.circuit, s.circuitSince, s.probeSuccesses = 'closed', now, 0
    redis.call('DEL', KEYS[1])
  elseif s.circuit == 'open' then
    s.circuit, s.circuitSince = 'half_open', s.circuitSince + halfOpenAfter
  end
else
  return {cjson.encode(s), 0}
end
local encoded = cjson.encode(s)
redis.call('HSET', KEYS[2], id, encoded)
local changed = effective() ~= before or s.cooldownUntil ~= cooledUntil
return {encoded, changed and 1 or 0}
`);

/**
 * DeploymentHealthStore on Redis, shared by every replica: one Lua script per `record` (EVALSHA),
 * so concurrent events from several replicas never half-apply a transition. Failure times live in
 * a sorted set per deployment (`CoordinationKeys.deploymentFailures`, trimmed to the longer
 * window and expiring with it); states in one hash (`CoordinationKeys.deploymentHealth`), one
 * JSON field per deployment. Calls reject with a CoordinationException when Redis is down or
 * slower than `timeoutMs`. Single-instance Redis only (the script's keys share no hash slot).
 */
export class RedisDeploymentHealthStore extends DeploymentHealthStore {
  // Failure set members must be unique across replicas even when two fail in the same ms.
  private readonly memberPrefix = `${randomBytes(6).toString('hex')}:`;
  private sequence = 0;

  constructor(
    private readonly connections: RedisConnections,
    private readonly keys: CoordinationKeys,
    private readonly timeoutMs: number = DEFAULT_HEALTH_TIMEOUT_MS,
  ) {
    super();
  }

  async record(
    deploymentId: string,
    event: HealthEvent,
    policy: HealthPolicy,
    now: number,
  ): Promise<HealthTransition> {
    const action = 'record deployment health';
    const command = readyCommand(this.connections, action);
    this.sequence += 1;
    const failure = event.type === 'failure' ? event : undefined;
    const args = [
      deploymentId,
      event.type,
      now,
      `${this.memberPrefix}${this.sequence}`,
      failure?.coolImmediately ? 1 : 0,
      failure?.coolForMs ?? 0,
      policy.allowedFails,
      policy.cooldownMs,
      policy.breakerFailures,
      policy.breakerWindowMs,
      policy.halfOpenAfterMs,
      policy.closeAfterSuccesses,
    ];
    const keys = [this.keys.deploymentFailures(deploymentId), this.keys.deploymentHealth()];
    const reply = await bounded(runScript(command, RECORD, keys, args), action, this.timeoutMs);
    const [encoded, changed] = Array.isArray(reply) ? (reply as unknown[]) : [];
    const state = typeof encoded === 'string' ? parseHealthState(encoded) : undefined;
    if (!state) throw CoordinationException.redisUnavailable(`${action}: unexpected reply`);
    return { state, changed: Number(changed) === 1 };
  }

  async readAll(): Promise<ReadonlyMap<string, DeploymentHealthState>> {
    const action = 'read deployment health';
    const command = readyCommand(this.connections, action);
    const fields = await bounded(
      command.hgetall(this.keys.deploymentHealth()),
      action,
      this.timeoutMs,
    );
    const states = new Map<string, DeploymentHealthState>();
    for (const [deploymentId, encoded] of Object.entries(fields)) {
      const state = parseHealthState(encoded);
      if (state) states.set(deploymentId, state);
    }
    return states;
  }

  async reset(deploymentId?: string): Promise<void> {
    const action = 'reset deployment health';
    const command = readyCommand(this.connections, action);
    const healthKey = this.keys.deploymentHealth();
    const ids =
      deploymentId === undefined
        ? await bounded(command.hkeys(healthKey), action, this.timeoutMs)
        : [deploymentId];
    const transaction = command.multi();
    for (const id of ids) transaction.del(this.keys.deploymentFailures(id));
    if (deploymentId === undefined) transaction.del(healthKey);
    else transaction.hdel(healthKey, deploymentId);
    await bounded(transaction.exec(), action, this.timeoutMs);
  }
}

const CIRCUITS: readonly string[] = ['closed', 'open', 'half_open'] satisfies CircuitState[];

/** A stored state, or undefined when the field is not one (written by a foreign version). */
export function parseHealthState(encoded: string): DeploymentHealthState | undefined {
  let value: unknown;
  try {
    value = JSON.parse(encoded);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { circuit, circuitSince, probeSuccesses, cooldownUntil } = value as Record<string, unknown>;
  if (typeof circuit !== 'string' || !CIRCUITS.includes(circuit)) return undefined;
  if (![circuitSince, probeSuccesses, cooldownUntil].every((n) => typeof n === 'number')) {
    return undefined;
  }
  return {
    circuit: circuit as CircuitState,
    circuitSince: circuitSince as number,
    probeSuccesses: probeSuccesses as number,
    cooldownUntil: cooldownUntil as number,
  };
}
