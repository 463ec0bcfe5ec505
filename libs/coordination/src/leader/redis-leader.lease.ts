import type { CoordinationKeys } from '../coordination-keys';
import type { RedisConnections } from '../redis-connections';
import { bounded, luaScript, readyCommand, runScript } from '../routing-state/redis-call';

/** Default per-call timeout; a renewal also gets no more than the time left on the lease. */
export const DEFAULT_LEASE_CALL_TIMEOUT_MS = 1000;

/** The election of the replica that runs the singleton jobs and config sync. */
export const CONFIG_SYNC_ELECTION = 'config-sync';

/** Who holds a lease, as stored in Redis. */
export interface LeaseHolder {
  readonly instanceId: string;
  readonly fencingToken: number;
  readonly since: Date | undefined;
}

/** The outcome of one acquisition attempt. */
export type AcquireResult =
  | { readonly acquired: true; readonly fencingToken: number }
  | { readonly acquired: false; readonly retryInMs: number };

// `SET lease <instance>:<token> PX lease NX`, with the token taken by INCR in the same atomic step
// (the value must carry the token, which does not exist before the INCR). Returns {token, 0}, or
// {0, PTTL of the holder's lease} so the caller retries right when it expires.
const ACQUIRE = luaScript(`
local pttl = redis.call('PTTL', KEYS[1])
if pttl ~= -2 then return {0, pttl} end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
redis.call('SET', KEYS[3], ARGV[3])
return {token, 0}
`);

// Compare-and-extend: only the holder of this exact token may extend.
const RENEW = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`);

// Compare-and-delete: never deletes a lease another replica took after ours expired.
const RELEASE = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * One named lease on Redis with a fencing token that grows at every acquisition. Every call
 * rejects with a CoordinationException when Redis is down or slower than its timeout.
 */
export class RedisLeaderLease {
  private readonly leaseKey: string;
  private readonly fenceKey: string;
  private readonly sinceKey: string;

  constructor(
    private readonly connections: RedisConnections,
    keys: CoordinationKeys,
    election: string = CONFIG_SYNC_ELECTION,
    private readonly timeoutMs: number = DEFAULT_LEASE_CALL_TIMEOUT_MS,
  ) {
    this.leaseKey = keys.leaderLease(election);
    this.fenceKey = keys.leaderFence(election);
    this.sinceKey = keys.leaderSince(election);
  }

  async acquire(instanceId: string, leaseMs: number): Promise<AcquireResult> {
    const action = 'acquire the leader lease';
    const keys = [this.leaseKey, this.fenceKey, this.sinceKey];
    const script = runScript(this.command(action), ACQUIRE, keys, [
      instanceId,
      leaseMs,
      Date.now(),
    ]);
    const [token, pttl] = (await bounded(script, action, this.timeoutMs)) as [number, number];
    return token > 0
      ? { acquired: true, fencingToken: token }
      : { acquired: false, retryInMs: pttl };
  }

  /** Extends the lease when `instanceId` still holds it with `token`; false when it does not. */
  async renew(
    instanceId: string,
    token: number,
    leaseMs: number,
    timeoutMs: number,
  ): Promise<boolean> {
    const action = 'renew the leader lease';
    const value = holderValue(instanceId, token);
    const script = runScript(this.command(action), RENEW, [this.leaseKey], [value, leaseMs]);
    const limit = Math.max(1, Math.min(this.timeoutMs, timeoutMs));
    return (await bounded(script, action, limit)) === 1;
  }

  /** Deletes the lease when `instanceId` still holds it with `token`. */
  async release(instanceId: string, token: number): Promise<boolean> {
    const action = 'release the leader lease';
    const value = holderValue(instanceId, token);
    const script = runScript(this.command(action), RELEASE, [this.leaseKey], [value]);
    return (await bounded(script, action, this.timeoutMs)) === 1;
  }

  /** Whether `instanceId` holds the lease with `token` right now (the fence check). */
  async holds(instanceId: string, token: number): Promise<boolean> {
    const action = 'check the fencing token';
    const value = await bounded(this.command(action).get(this.leaseKey), action, this.timeoutMs);
    return value === holderValue(instanceId, token);
  }

  /** The current holder, or null when nobody holds the lease. */
  async holder(): Promise<LeaseHolder | null> {
    const action = 'read the leader lease';
    const read = this.command(action).mget(this.leaseKey, this.sinceKey);
    const [value, since] = await bounded(read, action, this.timeoutMs);
    if (!value) return null;
    const split = value.lastIndexOf(':');
    const sinceMs = Number(since);
    return {
      instanceId: value.slice(0, split),
      fencingToken: Number(value.slice(split + 1)),
      since: since && Number.isFinite(sinceMs) ? new Date(sinceMs) : undefined,
    };
  }

  private command(action: string) {
    return readyCommand(this.connections, action);
  }
}

function holderValue(instanceId: string, token: number): string {
  return `${instanceId}:${token}`;
}
