import {
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { CoordinationBus, ReplicatedRecords, WarmUpRegistry } from '@routeiq/coordination';
import {
  McpServerStore,
  type McpServerInput,
  type McpServerPatch,
  type McpServerRecord,
} from '@routeiq/persistence';
import { OutboundUrlGuard } from '@routeiq/security';
import { McpServerDirectory } from '../catalog/mcp-catalog.types';
import { McpException } from '../mcp.exception';

/** Published after every write with `{ serverIds }`; every replica reloads those servers. */
export const MCP_REGISTRY_CHANGED_TOPIC = 'mcp.registry.changed';

/**
 * The registered upstream MCP servers. The database is the source of truth; each replica keeps
 * every server in memory (see ReplicatedRecords: loaded at start, re-read every minute, reloaded
 * on `mcp.registry.changed`). A server's URL passes the SSRF guard when it is registered and
 * whenever it changes.
 */
@Injectable()
export class McpRegistryService
  extends McpServerDirectory
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy
{
  private readonly servers: ReplicatedRecords<McpServerRecord>;

  constructor(
    private readonly store: McpServerStore,
    bus: CoordinationBus,
    private readonly urlGuard: OutboundUrlGuard,
    @Optional() private readonly warmUp?: WarmUpRegistry,
  ) {
    super();
    this.servers = new ReplicatedRecords(store, bus, {
      topic: MCP_REGISTRY_CHANGED_TOPIC,
      idsField: 'serverIds',
      noun: 'MCP server',
      context: 'McpRegistry',
      idOf: (server) => server.serverId,
    });
  }

  onModuleInit(): void {
    this.servers.subscribe();
    // Readiness waits for the first read: a replica that cannot see the registry must not serve.
    this.warmUp?.track('mcp-registry', () => this.servers.ready);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.servers.start();
  }

  onModuleDestroy(): void {
    this.servers.stop();
  }

  /** Whether the servers were loaded from the database at least once. */
  get ready(): boolean {
    return this.servers.ready;
  }

  list(): readonly McpServerRecord[] {
    return this.servers.list();
  }

  get(serverId: string): McpServerRecord | undefined {
    return this.servers.get(serverId);
  }

  onChange(listener: (serverIds: readonly string[]) => void): () => void {
    return this.servers.onChange(listener);
  }

  /** Re-reads every server; resolves once done (errors are logged, never thrown). */
  resync(): Promise<void> {
    return this.servers.resync();
  }

  /** The server as stored now (not this replica's copy). @throws McpException 404. */
  async fetch(serverId: string): Promise<McpServerRecord> {
    const record = await this.store.get(serverId);
    if (!record) throw McpException.serverNotFound(serverId);
    return record;
  }

  /**
   * @throws McpException `mcp_server_exists` (409) when the id is taken; OutboundException
   * `ssrf_blocked` when the URL may not be called.
   */
  async create(input: McpServerInput): Promise<McpServerRecord> {
    await this.vetUrl(input);
    const created = await this.store.create(input);
    if (!created) throw McpException.serverExists(input.serverId);
    await this.servers.stored(created);
    return created;
  }

  /** @throws McpException 404; OutboundException when a changed URL may not be called. */
  async update(
    serverId: string,
    patch: McpServerPatch,
    updatedBy: string | null,
  ): Promise<McpServerRecord> {
    if (needsUrlCheck(patch)) await this.vetUrl({ ...(await this.fetch(serverId)), ...patch });
    const updated = await this.store.update(serverId, patch, updatedBy);
    if (!updated) throw McpException.serverNotFound(serverId);
    await this.servers.stored(updated);
    return updated;
  }

  /** @throws McpException 404. */
  async delete(serverId: string): Promise<void> {
    if (!(await this.store.delete(serverId))) throw McpException.serverNotFound(serverId);
    await this.servers.removed(serverId);
  }

  private async vetUrl(server: Pick<McpServerRecord, 'transport' | 'url'>): Promise<void> {
    if (server.transport !== 'stdio' && server.url) await this.urlGuard.check(server.url);
  }
}

function needsUrlCheck(patch: McpServerPatch): boolean {
  return patch.url !== undefined || patch.transport !== undefined || patch.enabled === true;
}
