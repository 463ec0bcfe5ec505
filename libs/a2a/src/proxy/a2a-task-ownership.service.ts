import { Injectable } from '@nestjs/common';
import { ExpiringStore } from '@routeiq/coordination';
import type { A2aAgentRecord } from '@routeiq/persistence';
import { createHash } from 'node:crypto';
import { A2aConfig } from '../a2a.config';
import { isRecord } from './a2a-json-rpc';

const TASKS = 'a2a-task';
const CONTEXTS = 'a2a-context';

/** Longer ids are stored hashed: a client picks context ids and may make them huge. */
const MAX_RAW_ID_LENGTH = 200;

/**
 * One registration of an agent: its id and when it was registered. Ownership records are keyed by
 * both, so an agent deleted and registered again under the same id starts with no owners.
 */
export type A2aAgentGeneration = Pick<A2aAgentRecord, 'agentId' | 'createdAt'>;

/** Task and context ids a result names, to be recorded as the caller's. */
export interface A2aOwnedIds {
  readonly tasks: readonly string[];
  readonly contexts: readonly string[];
}

/**
 * Which key a task or a context (conversation) belongs to: both live on the upstream agent, which
 * knows nothing of the gateway's keys, so the gateway remembers the key that created each one
 * (ExpiringStore, shared by every replica, `A2A_TASK_TTL_SECONDS`) and lets only that key use it.
 */
@Injectable()
export class A2aTaskOwnershipService {
  constructor(
    private readonly store: ExpiringStore,
    private readonly config: A2aConfig,
  ) {}

  /** Records `keyId` as the owner of each id; one another key owns keeps its owner. */
  async claim(agent: A2aAgentGeneration, ids: A2aOwnedIds, keyId: string): Promise<void> {
    await Promise.all([
      ...ids.tasks.map((id) => this.hold(TASKS, storeId(agent, id), keyId)),
      ...ids.contexts.map((id) => this.hold(CONTEXTS, storeId(agent, id), keyId)),
    ]);
  }

  /** Whether `keyId` owns the task (false when the gateway does not know it). */
  async owns(agent: A2aAgentGeneration, taskId: string, keyId: string): Promise<boolean> {
    return (await this.store.get(TASKS, storeId(agent, taskId))) === keyId;
  }

  /**
   * Whether `keyId` may send into the context: it owns it (its time to live is renewed), or the
   * gateway never saw it (it becomes the caller's, atomically: two keys never both get it).
   */
  joinContext(agent: A2aAgentGeneration, contextId: string, keyId: string): Promise<boolean> {
    return this.hold(CONTEXTS, storeId(agent, contextId), keyId);
  }

  /** For each of a `ListTasks` page's tasks, whether `keyId` owns it (false for a malformed one). */
  ownedAmong(
    agent: A2aAgentGeneration,
    tasks: readonly unknown[],
    keyId: string,
  ): Promise<boolean[]> {
    return Promise.all(
      tasks.map((task) =>
        isRecord(task) && typeof task.id === 'string'
          ? this.owns(agent, task.id, keyId)
          : Promise.resolve(false),
      ),
    );
  }

  /** Claims the id for `keyId` unless another key holds it; true when `keyId` holds it now. */
  private async hold(namespace: string, id: string, keyId: string): Promise<boolean> {
    const ttl = this.config.taskTtlSeconds;
    if (await this.store.claim(namespace, id, keyId, ttl)) return true;
    const owner = await this.store.get(namespace, id);
    // Expired between the two calls: claim it again (still atomic against another key).
    if (owner === undefined) return this.store.claim(namespace, id, keyId, ttl);
    if (owner !== keyId) return false;
    await this.store.touch(namespace, id, ttl);
    return true;
  }
}

function storeId(agent: A2aAgentGeneration, id: string): string {
  const key =
    id.length > MAX_RAW_ID_LENGTH ? `sha256:${createHash('sha256').update(id).digest('hex')}` : id;
  return `${agent.agentId}:${agent.createdAt.getTime()}:${key}`;
}
