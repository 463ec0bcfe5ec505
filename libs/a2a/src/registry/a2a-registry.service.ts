import {
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { CoordinationBus, ReplicatedRecords, WarmUpRegistry } from '@routeiq/coordination';
import {
  A2aAgentStore,
  type A2aAgentInput,
  type A2aAgentPatch,
  type A2aAgentRecord,
} from '@routeiq/persistence';
import { OutboundUrlGuard } from '@routeiq/security';
import { A2aException } from '../a2a.exception';
import { A2aAgentDirectory } from './a2a-agent.directory';

/** Published after every write with `{ agentIds }`; every replica reloads those agents. */
export const A2A_REGISTRY_CHANGED_TOPIC = 'a2a.registry.changed';

/**
 * The registered upstream A2A agents. The database is the source of truth; each replica keeps
 * every agent in memory (see ReplicatedRecords: loaded at start, re-read every minute, reloaded
 * on `a2a.registry.changed`). An agent's URLs pass the SSRF guard when it is registered and
 * whenever it changes.
 */
@Injectable()
export class A2aRegistryService
  extends A2aAgentDirectory
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy
{
  private readonly agents: ReplicatedRecords<A2aAgentRecord>;

  constructor(
    private readonly store: A2aAgentStore,
    bus: CoordinationBus,
    private readonly urlGuard: OutboundUrlGuard,
    @Optional() private readonly warmUp?: WarmUpRegistry,
  ) {
    super();
    this.agents = new ReplicatedRecords(store, bus, {
      topic: A2A_REGISTRY_CHANGED_TOPIC,
      idsField: 'agentIds',
      noun: 'A2A agent',
      context: 'A2aRegistry',
      idOf: (agent) => agent.agentId,
    });
  }

  onModuleInit(): void {
    this.agents.subscribe();
    // Readiness waits for the first read: a replica that cannot see the registry must not serve.
    this.warmUp?.track('a2a-registry', () => this.agents.ready);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.agents.start();
  }

  onModuleDestroy(): void {
    this.agents.stop();
  }

  /** Whether the agents were loaded from the database at least once. */
  get ready(): boolean {
    return this.agents.ready;
  }

  list(): readonly A2aAgentRecord[] {
    return this.agents.list();
  }

  get(agentId: string): A2aAgentRecord | undefined {
    return this.agents.get(agentId);
  }

  onChange(listener: (agentIds: readonly string[]) => void): () => void {
    return this.agents.onChange(listener);
  }

  /** Re-reads every agent; resolves once done (errors are logged, never thrown). */
  resync(): Promise<void> {
    return this.agents.resync();
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
    await this.agents.stored(created);
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
    await this.agents.stored(updated);
    return updated;
  }

  /** @throws A2aException 404. */
  async delete(agentId: string): Promise<void> {
    if (!(await this.store.delete(agentId))) throw A2aException.agentNotFound(agentId);
    await this.agents.removed(agentId);
  }

  private async vetUrl(agent: Pick<A2aAgentRecord, 'url' | 'cardUrl'>): Promise<void> {
    await this.urlGuard.check(agent.url);
    if (agent.cardUrl) await this.urlGuard.check(agent.cardUrl);
  }
}

function needsUrlCheck(patch: A2aAgentPatch): boolean {
  return patch.url !== undefined || patch.cardUrl !== undefined || patch.enabled === true;
}
