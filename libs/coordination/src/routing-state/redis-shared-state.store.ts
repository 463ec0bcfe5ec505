import type { CoordinationKeys } from '../coordination-keys';
import type { RedisConnections } from '../redis-connections';
import { bounded, readyCommand } from './redis-call';
import { SharedStateStore } from './shared-state.store';

/** Default per-call timeout. */
export const DEFAULT_SHARED_STATE_TIMEOUT_MS = 1000;

/**
 * SharedStateStore on Redis: one string key per document (`CoordinationKeys.sharedState`), no
 * expiry. Calls reject with a CoordinationException when Redis is down or slower than
 * `timeoutMs`.
 */
export class RedisSharedStateStore extends SharedStateStore {
  constructor(
    private readonly connections: RedisConnections,
    private readonly keys: CoordinationKeys,
    private readonly timeoutMs: number = DEFAULT_SHARED_STATE_TIMEOUT_MS,
  ) {
    super();
  }

  async get(name: string): Promise<string | undefined> {
    const action = `read shared state ${name}`;
    const command = readyCommand(this.connections, action);
    const value = await bounded(command.get(this.keys.sharedState(name)), action, this.timeoutMs);
    return value ?? undefined;
  }

  async set(name: string, value: string): Promise<void> {
    const action = `write shared state ${name}`;
    const command = readyCommand(this.connections, action);
    await bounded(command.set(this.keys.sharedState(name), value), action, this.timeoutMs);
  }

  async delete(name: string): Promise<void> {
    const action = `delete shared state ${name}`;
    const command = readyCommand(this.connections, action);
    await bounded(command.del(this.keys.sharedState(name)), action, this.timeoutMs);
  }
}
