import { createHash } from 'node:crypto';
import type { CoordinationKeys } from '../coordination-keys';
import { CoordinationException } from '../coordination.exception';
import { describeRedisError, type RedisConnections } from '../redis-connections';
import {
  checkAdjustments,
  checkReservations,
  QuotaCounterStore,
  type CounterAdjustment,
  type CounterCallOptions,
  type CounterReservation,
  type CounterReserveResult,
} from './quota-counter.store';

/** Default per-call timeout: a hung Redis must not hang the request path. */
export const DEFAULT_COUNTER_TIMEOUT_MS = 250;

// KEYS[i]: counters; ARGV[3i-2], ARGV[3i-1], ARGV[3i]: amount, limit, ttlMs. Checks every counter
// first, then increments them all, so a refusal changes nothing. Reply: {1, value...} or
// {0, zero-based index, current}.
const RESERVE_SCRIPT = `
local values = {}
for i = 1, #KEYS do
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  local amount = tonumber(ARGV[3 * i - 2])
  if amount > 0 and current + amount > tonumber(ARGV[3 * i - 1]) then
    return {0, i - 1, current}
  end
  values[i] = current
end
for i = 1, #KEYS do
  if tonumber(ARGV[3 * i - 2]) > 0 then
    values[i] = redis.call('INCRBY', KEYS[i], ARGV[3 * i - 2])
    if redis.call('PTTL', KEYS[i]) < 0 then redis.call('PEXPIRE', KEYS[i], ARGV[3 * i]) end
  end
end
table.insert(values, 1, 1)
return values
`;

// KEYS[i]: counters; ARGV[2i-1], ARGV[2i]: delta, ttlMs. Clamps at 0; INCRBY keeps the TTL.
const ADJUST_SCRIPT = `
for i = 1, #KEYS do
  local delta = tonumber(ARGV[2 * i - 1])
  local current = redis.call('GET', KEYS[i])
  if current then
    local value = tonumber(current)
    if value + delta < 0 then delta = -value end
    if delta ~= 0 then redis.call('INCRBY', KEYS[i], delta) end
  elseif delta > 0 then
    redis.call('INCRBY', KEYS[i], ARGV[2 * i - 1])
    redis.call('PEXPIRE', KEYS[i], ARGV[2 * i])
  end
end
return 1
`;

interface Script {
  readonly source: string;
  readonly sha: string;
}

const script = (source: string): Script => ({
  source,
  sha: createHash('sha1').update(source).digest('hex'),
});

const RESERVE = script(RESERVE_SCRIPT);
const ADJUST = script(ADJUST_SCRIPT);

/**
 * QuotaCounterStore on Redis: each call is one Lua script (EVALSHA, EVAL when the script cache is
 * empty), hence atomic across replicas. Keys come from `CoordinationKeys.quotaCounter`. Calls
 * fail fast when the connection is down and reject after `timeoutMs`; a call that timed out may
 * still have been applied. Single-instance Redis only: the keys of one call share no hash slot.
 */
export class RedisQuotaCounterStore extends QuotaCounterStore {
  constructor(
    private readonly connections: RedisConnections,
    private readonly keys: CoordinationKeys,
    private readonly defaultTimeoutMs: number = DEFAULT_COUNTER_TIMEOUT_MS,
  ) {
    super();
  }

  async reserve(
    items: readonly CounterReservation[],
    options?: CounterCallOptions,
  ): Promise<CounterReserveResult> {
    checkReservations(items);
    if (items.length === 0) return { ok: true, values: [] };
    const args = items.flatMap((item) => [item.amount, item.limit, item.ttlMs].map(String));
    const reply = toIntegers(await this.run(RESERVE, items, args, options));
    if (reply[0] === 1) return { ok: true, values: reply.slice(1) };
    return { ok: false, index: reply[1] ?? 0, current: reply[2] ?? 0 };
  }

  async adjust(items: readonly CounterAdjustment[], options?: CounterCallOptions): Promise<void> {
    checkAdjustments(items);
    if (items.length === 0) return;
    const args = items.flatMap((item) => [item.delta, item.ttlMs].map(String));
    await this.run(ADJUST, items, args, options);
  }

  async read(keys: readonly string[], options?: CounterCallOptions): Promise<number[]> {
    if (keys.length === 0) return [];
    const command = this.connected('read');
    const values = await this.bounded(
      command.mget(keys.map((key) => this.keys.quotaCounter(key))),
      'read',
      options,
    );
    return values.map((value) => (value === null ? 0 : Number(value)));
  }

  private async run(
    script: Script,
    items: ReadonlyArray<{ readonly key: string }>,
    args: readonly string[],
    options: CounterCallOptions | undefined,
  ): Promise<unknown> {
    const command = this.connected('update');
    const keys = items.map((item) => this.keys.quotaCounter(item.key));
    const call = command
      .evalsha(script.sha, keys.length, ...keys, ...args)
      .catch((error: unknown) => {
        if (!describeRedisError(error).startsWith('NOSCRIPT')) throw error;
        return command.eval(script.source, keys.length, ...keys, ...args);
      });
    return this.bounded(call, 'update', options);
  }

  private connected(action: string): RedisConnections['command'] {
    const { command } = this.connections;
    if (command.status !== 'ready') {
      throw CoordinationException.redisUnavailable(
        `cannot ${action} quota counters: not connected (${command.status})`,
      );
    }
    return command;
  }

  private async bounded<T>(
    call: Promise<T>,
    action: string,
    options: CounterCallOptions | undefined,
  ): Promise<T> {
    const timeoutMs = options?.timeoutMs ?? this.defaultTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const reason = `cannot ${action} quota counters: timed out after ${timeoutMs} ms`;
        reject(CoordinationException.redisUnavailable(reason));
      }, timeoutMs);
    });
    const guarded = call.catch((error: unknown) => {
      if (error instanceof CoordinationException) throw error;
      const reason = `cannot ${action} quota counters: ${describeRedisError(error)}`;
      throw CoordinationException.redisUnavailable(reason, error);
    });
    try {
      return await Promise.race([guarded, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function toIntegers(reply: unknown): number[] {
  if (!Array.isArray(reply)) throw CoordinationException.redisUnavailable('unexpected reply');
  return reply.map((value) => Number(value));
}
