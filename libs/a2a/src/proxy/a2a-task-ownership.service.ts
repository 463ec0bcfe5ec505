import { Injectable } from '@nestjs/common';
import { ExpiringStore } from '@routeiq/coordination';
import { A2aConfig } from '../a2a.config';
import { isRecord } from './a2a-json-rpc';

const NAMESPACE = 'a2a-task';

/**
 * Which key a task belongs to: tasks live on the upstream agent, which knows nothing of the
 * gateway's keys, so the gateway remembers the key that created each one (ExpiringStore, shared
 * by every replica) and serves a task to that key only.
 */
@Injectable()
export class A2aTaskOwnershipService {
  constructor(
    private readonly store: ExpiringStore,
    private readonly config: A2aConfig,
  ) {}

  /** Records `keyId` as the owner of each task; a task another key owns keeps its owner. */
  async claim(agentId: string, taskIds: readonly string[], keyId: string): Promise<void> {
    await Promise.all(taskIds.map((taskId) => this.claimOne(agentId, taskId, keyId)));
  }

  /** Whether `keyId` owns the task (false when the gateway does not know it). */
  async owns(agentId: string, taskId: string, keyId: string): Promise<boolean> {
    return (await this.store.get(NAMESPACE, storeId(agentId, taskId))) === keyId;
  }

  /** A `ListTasks` result with only the caller's tasks. */
  async filterList(agentId: string, result: unknown, keyId: string): Promise<unknown> {
    if (!isRecord(result) || !Array.isArray(result.tasks)) return result;
    const tasks: unknown[] = result.tasks;
    const mine = await Promise.all(
      tasks.map((task) =>
        isRecord(task) && typeof task.id === 'string'
          ? this.owns(agentId, task.id, keyId)
          : Promise.resolve(false),
      ),
    );
    const kept = tasks.filter((_task, index) => mine[index]);
    // The upstream's total counts every key's tasks: it would tell callers how busy others are.
    return { ...result, tasks: kept, ...('totalSize' in result && { totalSize: kept.length }) };
  }

  private async claimOne(agentId: string, taskId: string, keyId: string): Promise<void> {
    const id = storeId(agentId, taskId);
    const owner = await this.store.get(NAMESPACE, id);
    // Read-then-write is not atomic, but task ids are minted by the agent: two keys never race
    // for a new one, and the owner's own writes only renew the time to live.
    if (owner !== undefined && owner !== keyId) return;
    await this.store.set(NAMESPACE, id, keyId, this.config.taskTtlSeconds);
  }
}

function storeId(agentId: string, taskId: string): string {
  return `${agentId}:${taskId}`;
}
