import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { CoordinationBus, type BusMessage } from '@routeiq/coordination';
import {
  A2aAgentStore,
  type A2aAgentInput,
  type A2aAgentPatch,
  type A2aAgentRecord,
} from '@routeiq/persistence';
import { OutboundUrlGuard } from '@routeiq/security';
import { A2aAgentDirectory } from './a2a-agent.directory';
import { A2aException } from '../a2a.exception';

/** Published after every write with `{ agentIds }`; every replica reloads those agents. */
export const A2A_REGISTRY_CHANGED_TOPIC = 'a2a.registry.changed';

/** Full re-read of the store, so a replica that missed messages catches up. */
export const A2A_REGISTRY_RESYNC_MS = 60_000;
/** Retry delay while the first load has not succeeded. */
const FIRST_LOAD_RETRY_MS = 5_000;

type ChangeListener = (agentIds: readonly string[]) => void;

/**
 * The registered upstream A2A agents. The database is the source of truth; each replica keeps
 * every agent in memory (loaded at start, re-read every minute) and reloads the agents named by
 * `a2a.registry.changed` messages, its own included, then tells its `onChange` listeners.
 * An agent's URLs pass the SSRF guard when it is registered and whenever it changes.
 */
@Injectable()
export class A2aRegistryService
  extends A2aAgentDirectory
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy
{
  private readonly logger = new Logger('A2aRegistry');
  private readonly agents = new Map<string, A2aAgentRecord>();
  private ordered: readonly A2aAgentRecord[] = [];
  private readonly listeners = new Set<ChangeListener>();
  private queue: Promise<unknown> = Promise.resolve();
  private loaded = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly store: A2aAgentStore,
    private readonly bus: CoordinationBus,
    private readonly urlGuard: OutboundUrlGuard,
  ) {
    super();
  }

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(A2A_REGISTRY_CHANGED_TOPIC, (message) =>
      this.onMessage(message),
    );
  }

  /** Never fails start-up: a database that is not answering yet is retried in the background. */
  async onApplicationBootstrap(): Promise<void> {
    await this.resync();
    this.schedule();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.unsubscribe?.();
  }

  /** Whether the agents were loaded from the database at least once. */
  get ready(): boolean {
    return this.loaded;
  }

  list(): readonly A2aAgentRecord[] {
    return this.ordered;
  }

  get(agentId: string): A2aAgentRecord | undefined {
    return this.agents.get(agentId);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The agent as stored now (not this replica's copy). @throws A2aException 404. */
  async fetch(agentId: string): Promise<A2aAgentRecord> {
    const record = await this.store.get(agentId);
    if (!record) throw A2aException.agentNotFound(agentId);
    return record;
  }

  /**
   * @throws A2aException `a2a_agent_exists` (409) when the id is taken; OutboundException
   * `ssrf_blocked` when the URL may not be called.
   */
  async create(input: A2aAgentInput): Promise<A2aAgentRecord> {
    await this.vetUrl(input);
    const created = await this.store.create(input);
    if (!created) throw A2aException.agentExists(input.agentId);
    await this.announce([created.agentId], () => this.agents.set(created.agentId, created));
    return created;
  }

  /** @throws A2aException 404; OutboundException when a changed URL may not be called. */
  async update(
    agentId: string,
    patch: A2aAgentPatch,
    updatedBy: string | null,
  ): Promise<A2aAgentRecord> {
    if (needsUrlCheck(patch)) await this.vetUrl({ ...(await this.fetch(agentId)), ...patch });
    const updated = await this.store.update(agentId, patch, updatedBy);
    if (!updated) throw A2aException.agentNotFound(agentId);
    await this.announce([agentId], () => this.agents.set(agentId, updated));
    return updated;
  }

  /** @throws A2aException 404. */
  async delete(agentId: string): Promise<void> {
    if (!(await this.store.delete(agentId))) throw A2aException.agentNotFound(agentId);
    await this.announce([agentId], () => this.agents.delete(agentId));
  }

  /** Re-reads every agent; resolves once done (errors are logged, never thrown). */
  resync(): Promise<void> {
    return this.enqueue(async () => {
      const records = await this.store.list();
      const next = new Map(records.map((record) => [record.agentId, record]));
      const changed = changedIds(this.agents, next);
      this.agents.clear();
      for (const [id, record] of next) this.agents.set(id, record);
      this.rebuild();
      if (!this.loaded) this.logger.log(`loaded ${records.length} A2A agent(s)`);
      this.loaded = true;
      if (changed.length > 0) this.notify(changed);
    }).catch((error: unknown) => {
      this.logger.error(`reading the A2A agents failed; will retry: ${String(error)}`);
    });
  }

  private async vetUrl(agent: Pick<A2aAgentRecord, 'url' | 'cardUrl'>): Promise<void> {
    await this.urlGuard.check(agent.url);
    if (agent.cardUrl) await this.urlGuard.check(agent.cardUrl);
  }

  /** Applies a write here at once, then tells every replica (this one notifies on delivery). */
  private async announce(agentIds: string[], apply: () => void): Promise<void> {
    await this.enqueue(async () => {
      apply();
      this.rebuild();
    });
    try {
      await this.bus.publish(A2A_REGISTRY_CHANGED_TOPIC, { agentIds });
    } catch (error) {
      // Stored and live here; other replicas catch up at their next resync.
      this.logger.error(`announcing an A2A registry change failed: ${String(error)}`);
      this.notify(agentIds);
    }
  }

  private onMessage(message: BusMessage): void {
    const ids = message.payload.agentIds;
    if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string')) {
      this.logger.warn(`ignoring a malformed ${A2A_REGISTRY_CHANGED_TOPIC} message`);
      return;
    }
    if (ids.length === 0) return;
    this.enqueue(() => this.reload(ids)).catch((error: unknown) => {
      this.logger.error(`reloading A2A agents failed; the next resync retries: ${String(error)}`);
    });
  }

  private async reload(agentIds: readonly string[]): Promise<void> {
    const records = await Promise.all(agentIds.map((id) => this.store.get(id)));
    agentIds.forEach((id, i) => {
      const record = records[i];
      if (record) this.agents.set(id, record);
      else this.agents.delete(id);
    });
    this.rebuild();
    this.notify(agentIds);
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = this.loaded ? A2A_REGISTRY_RESYNC_MS : FIRST_LOAD_RETRY_MS;
    this.timer = setTimeout(() => void this.resync().finally(() => this.schedule()), delay);
    this.timer.unref();
  }

  private rebuild(): void {
    this.ordered = [...this.agents.values()].sort((a, b) =>
      a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0,
    );
  }

  private notify(agentIds: readonly string[]): void {
    for (const listener of this.listeners) {
      try {
        listener(agentIds);
      } catch (error) {
        this.logger.error(`an A2A registry listener failed: ${String(error)}`);
      }
    }
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function needsUrlCheck(patch: A2aAgentPatch): boolean {
  return patch.url !== undefined || patch.cardUrl !== undefined || patch.enabled === true;
}

function changedIds(
  before: ReadonlyMap<string, A2aAgentRecord>,
  after: ReadonlyMap<string, A2aAgentRecord>,
): string[] {
  const ids = new Set([...before.keys(), ...after.keys()]);
  return [...ids].filter((id) => {
    const a = before.get(id);
    const b = after.get(id);
    return !a || !b || JSON.stringify(a) !== JSON.stringify(b);
  });
}
