import type { CoordinationKeys } from '../coordination-keys';
import type { RedisConnections } from '../redis-connections';
import { checkTtlSeconds } from '../expiring/expiring.store';
import { bounded, luaScript, readyCommand, runScript } from '../routing-state/redis-call';
import { DEFAULT_RESPONSE_CACHE_TIMEOUT_MS } from './redis-response-cache.store';
import { unlinkMatching } from './redis-unlink-matching';
import type { CacheRecordFilter } from './response-cache.store';
import { type SemanticSpaceId, SemanticIndexStore } from './semantic-index.store';

// KEYS: entries hash, order zset. ARGV: field, entry, ttl seconds, now ms, cap.
// The order's scores rise with each add; the oldest added beyond the cap leave both; each key lives as long as its longest-lived entry.
const ADD = luaScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
-- Later than every entry before it, even within the same millisecond (or a clock step back).
local score = tonumber(ARGV[4])
local top = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if #top == 2 and tonumber(top[2]) >= score then score = tonumber(top[2]) + 1 end
redis.call('ZADD', KEYS[2], score, ARGV[1])
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5])
if excess > 0 then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
  redis.call('HDEL', KEYS[1], unpack(oldest))
end
local ttl = tonumber(ARGV[3])
for _, key in ipairs(KEYS) do
  if redis.call('TTL', key) < ttl then redis.call('EXPIRE', key, ttl) end
end
return 1
`);

// KEYS: entries hash, order zset. ARGV: limit. The newest first; a field gone meanwhile is nil.
const LOAD = luaScript(`
local fields = redis.call('ZREVRANGE', KEYS[2], 0, tonumber(ARGV[1]) - 1)
if #fields == 0 then return {} end
return redis.call('HMGET', KEYS[1], unpack(fields))
`);

/**
 * SemanticIndexStore on Redis: per space a hash of encoded entries and a sorted set of when each
 * was added (`CoordinationKeys.semanticIndex`), written and read by one script each. Calls reject
 * with a CoordinationException when Redis is down or slower than `timeoutMs`.
 */
export class RedisSemanticIndexStore extends SemanticIndexStore {
  readonly shared = true;

  constructor(
    private readonly connections: RedisConnections,
    private readonly keys: CoordinationKeys,
    private readonly timeoutMs: number = DEFAULT_RESPONSE_CACHE_TIMEOUT_MS,
  ) {
    super();
  }

  async add(
    space: SemanticSpaceId,
    hash: string,
    entry: string,
    ttlSeconds: number,
    cap: number,
  ): Promise<void> {
    checkTtlSeconds(ttlSeconds);
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`cap must be >= 1, got ${cap}`);
    const action = 'write a semantic index entry';
    const command = readyCommand(this.connections, action);
    const { entries, order } = this.keys.semanticIndex(space.scope, space.model, space.space);
    const args = [hash, entry, ttlSeconds, Date.now(), cap];
    await bounded(runScript(command, ADD, [entries, order], args), action, this.timeoutMs);
  }

  async load(space: SemanticSpaceId, limit: number): Promise<readonly string[]> {
    if (limit < 1) return [];
    const action = 'load a semantic index';
    const command = readyCommand(this.connections, action);
    const { entries, order } = this.keys.semanticIndex(space.scope, space.model, space.space);
    const reply = await bounded(
      runScript(command, LOAD, [entries, order], [Math.floor(limit)]),
      action,
      this.timeoutMs,
    );
    if (!Array.isArray(reply)) return [];
    return reply.filter((item): item is string => typeof item === 'string');
  }

  async deleteMatching(filter: CacheRecordFilter): Promise<number> {
    const action = 'flush semantic index entries';
    const command = readyCommand(this.connections, action);
    const pattern = this.keys.semanticIndexPattern(filter.scope, filter.model);
    // Each space is two keys: count its entries hash.
    return unlinkMatching(
      command,
      pattern,
      action,
      (found) => found.filter((key) => key.endsWith(':entries')).length,
    );
  }
}
