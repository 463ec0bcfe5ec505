import type { CoordinationKeys } from '../coordination-keys';
import type { RedisConnections } from '../redis-connections';
import { bounded, readyCommand } from '../routing-state/redis-call';
import { checkTtlSeconds, ExpiringStore } from './expiring.store';

/** Default per-call timeout. */
export const DEFAULT_EXPIRING_STORE_TIMEOUT_MS = 1000;

/**
 * ExpiringStore on Redis: one string key per value (`CoordinationKeys.expiring`) with Redis's own
 * expiry. Calls reject with a CoordinationException when Redis is down or slower than `timeoutMs`.
 */
export class RedisExpiringStore extends ExpiringStore {
  constructor(
    private readonly connections: RedisConnections,
    private readonly keys: CoordinationKeys,
    private readonly timeoutMs: number = DEFAULT_EXPIRING_STORE_TIMEOUT_MS,
  ) {
    super();
  }

  async get(namespace: string, id: string): Promise<string | undefined> {
    const action = `read ${namespace} entry`;
    const command = readyCommand(this.connections, action);
    const key = this.keys.expiring(namespace, id);
    return (await bounded(command.get(key), action, this.timeoutMs)) ?? undefined;
  }

  async set(namespace: string, id: string, value: string, ttlSeconds: number): Promise<void> {
    checkTtlSeconds(ttlSeconds);
    const action = `write ${namespace} entry`;
    const command = readyCommand(this.connections, action);
    const key = this.keys.expiring(namespace, id);
    await bounded(command.set(key, value, 'EX', ttlSeconds), action, this.timeoutMs);
  }

  async claim(namespace: string, id: string, value: string, ttlSeconds: number): Promise<boolean> {
    checkTtlSeconds(ttlSeconds);
    const action = `claim ${namespace} entry`;
    const command = readyCommand(this.connections, action);
    const key = this.keys.expiring(namespace, id);
    const reply = await bounded(
      command.set(key, value, 'EX', ttlSeconds, 'NX'),
      action,
      this.timeoutMs,
    );
    return reply === 'OK';
  }

  async touch(namespace: string, id: string, ttlSeconds: number): Promise<boolean> {
    checkTtlSeconds(ttlSeconds);
    const action = `touch ${namespace} entry`;
    const command = readyCommand(this.connections, action);
    const key = this.keys.expiring(namespace, id);
    return (await bounded(command.expire(key, ttlSeconds), action, this.timeoutMs)) === 1;
  }

  async delete(namespace: string, id: string): Promise<boolean> {
    const action = `delete ${namespace} entry`;
    const command = readyCommand(this.connections, action);
    const key = this.keys.expiring(namespace, id);
    return (await bounded(command.del(key), action, this.timeoutMs)) > 0;
  }
}
