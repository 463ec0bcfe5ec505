import type { CoordinationKeys } from '../coordination-keys';
import type { RedisConnections } from '../redis-connections';
import { bounded, readyCommand } from '../routing-state/redis-call';
import { checkTtlSeconds } from '../expiring/expiring.store';
import { SCAN_TIMEOUT_MS, unlinkMatching } from './redis-unlink-matching';
import {
  type CacheRecord,
  type CacheRecordFilter,
  type CacheRecordId,
  type CacheRecordInfo,
  type CacheRecordPage,
  ResponseCacheStore,
} from './response-cache.store';

/** Default per-call timeout of reads and writes: a slow Redis must not delay an answer long. */
export const DEFAULT_RESPONSE_CACHE_TIMEOUT_MS = 250;
/** Flushes and listings walk the keyspace: they get longer. */

/**
 * ResponseCacheStore on Redis: one hash per entry (`meta`, `body` fields) under
 * `CoordinationKeys.responseCacheEntry`, with Redis's own expiry. Listing reads only `meta`, the
 * body's length and the TTL. Calls reject with a CoordinationException when Redis is down or slow.
 */
export class RedisResponseCacheStore extends ResponseCacheStore {
  readonly shared = true;

  constructor(
    private readonly connections: RedisConnections,
    private readonly keys: CoordinationKeys,
    private readonly timeoutMs: number = DEFAULT_RESPONSE_CACHE_TIMEOUT_MS,
  ) {
    super();
  }

  async get(id: CacheRecordId): Promise<CacheRecord | undefined> {
    const action = 'read a response-cache entry';
    const command = readyCommand(this.connections, action);
    const key = this.keys.responseCacheEntry(id.scope, id.model, id.hash);
    const [meta, body] = await bounded(command.hmget(key, 'meta', 'body'), action, this.timeoutMs);
    return typeof meta === 'string' && typeof body === 'string' ? { meta, body } : undefined;
  }

  async set(id: CacheRecordId, record: CacheRecord, ttlSeconds: number): Promise<void> {
    checkTtlSeconds(ttlSeconds);
    const action = 'write a response-cache entry';
    const command = readyCommand(this.connections, action);
    const key = this.keys.responseCacheEntry(id.scope, id.model, id.hash);
    const write = command
      .multi()
      .del(key)
      .hset(key, 'meta', record.meta, 'body', record.body)
      .expire(key, ttlSeconds)
      .exec();
    await bounded(write, action, this.timeoutMs);
  }

  async list(filter: CacheRecordFilter, cursor: string, count: number): Promise<CacheRecordPage> {
    const action = 'list response-cache entries';
    const command = readyCommand(this.connections, action);
    const pattern = this.keys.responseCachePattern(filter.scope, filter.model);
    const [next, found] = await bounded(
      command.scan(cursor, 'MATCH', pattern, 'COUNT', count),
      action,
      SCAN_TIMEOUT_MS,
    );
    if (found.length === 0) return { cursor: next, records: [] };
    const batch = command.pipeline();
    for (const key of found) batch.hget(key, 'meta').hstrlen(key, 'body').ttl(key);
    const replies = (await bounded(batch.exec(), action, SCAN_TIMEOUT_MS)) ?? [];
    const records: CacheRecordInfo[] = [];
    found.forEach((key, index) => {
      const [meta, bytes, ttl] = [0, 1, 2].map((offset) => replies[index * 3 + offset]?.[1]);
      const id = this.keys.responseCacheIdOf(key);
      // Expired between SCAN and HGET: skipped.
      if (!id || typeof meta !== 'string') return;
      records.push({ ...id, meta, bodyBytes: Number(bytes) || 0, ttlSeconds: Number(ttl) });
    });
    return { cursor: next, records };
  }

  async deleteMatching(filter: CacheRecordFilter): Promise<number> {
    const action = 'flush response-cache entries';
    const command = readyCommand(this.connections, action);
    const pattern = this.keys.responseCachePattern(filter.scope, filter.model);
    return unlinkMatching(command, pattern, action, (_found, unlinked) => unlinked);
  }
}
