import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { CoordinationBus, type BusMessage } from '@routeiq/coordination';
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

/** Full re-read of the store, so a replica that missed messages catches up. */
export const MCP_REGISTRY_RESYNC_MS = 60_000;
/** Retry delay while the first load has not succeeded. */
const FIRST_LOAD_RETRY_MS = 5_000;

type ChangeListener = (serverIds: readonly string[]) => void;

/**
 * The registered upstream MCP servers. The database is the source of truth; each replica keeps
 * every server in memory (loaded at start, re-read every minute) and reloads the servers named by
 * `mcp.registry.changed` messages, its own included, then tells its `onChange` listeners.
 * A server's URL passes the SSRF guard when it is registered and whenever it changes.
 */
@Injectable()
export class McpRegistryService
  extends McpServerDirectory
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy
{
  private readonly logger = new Logger('McpRegistry');
  private readonly servers = new Map<string, McpServerRecord>();
  private ordered: readonly McpServerRecord[] = [];
  private readonly listeners = new Set<ChangeListener>();
  private queue: Promise<unknown> = Promise.resolve();
  private loaded = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly store: McpServerStore,
    private readonly bus: CoordinationBus,
    private readonly urlGuard: OutboundUrlGuard,
  ) {
    super();
  }

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(MCP_REGISTRY_CHANGED_TOPIC, (message) =>
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

  /** Whether the servers were loaded from the database at least once. */
  get ready(): boolean {
    return this.loaded;
  }

  list(): readonly McpServerRecord[] {
    return this.ordered;
  }

  get(serverId: string): McpServerRecord | undefined {
    return this.servers.get(serverId);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
    await this.announce([created.serverId], () => this.servers.set(created.serverId, created));
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
    await this.announce([serverId], () => this.servers.set(serverId, updated));
    return updated;
  }

  /** @throws McpException 404. */
  async delete(serverId: string): Promise<void> {
    if (!(await this.store.delete(serverId))) throw McpException.serverNotFound(serverId);
    await this.announce([serverId], () => this.servers.delete(serverId));
  }

  /** Re-reads every server; resolves once done (errors are logged, never thrown). */
  resync(): Promise<void> {
    return this.enqueue(async () => {
      const records = await this.store.list();
      const next = new Map(records.map((record) => [record.serverId, record]));
      const changed = changedIds(this.servers, next);
      this.servers.clear();
      for (const [id, record] of next) this.servers.set(id, record);
      this.rebuild();
      if (!this.loaded) this.logger.log(`loaded ${records.length} MCP server(s)`);
      this.loaded = true;
      if (changed.length > 0) this.notify(changed);
    }).catch((error: unknown) => {
      this.logger.error(`reading the MCP servers failed; will retry: ${String(error)}`);
    });
  }

  private async vetUrl(server: Pick<McpServerRecord, 'transport' | 'url'>): Promise<void> {
    if (server.transport !== 'stdio' && server.url) await this.urlGuard.check(server.url);
  }

  /** Applies a write here at once, then tells every replica (this one notifies on delivery). */
  private async announce(serverIds: string[], apply: () => void): Promise<void> {
    await this.enqueue(async () => {
      apply();
      this.rebuild();
    });
    try {
      await this.bus.publish(MCP_REGISTRY_CHANGED_TOPIC, { serverIds });
    } catch (error) {
      // Stored and live here; other replicas catch up at their next resync.
      this.logger.error(`announcing an MCP registry change failed: ${String(error)}`);
      this.notify(serverIds);
    }
  }

  private onMessage(message: BusMessage): void {
    const ids = message.payload.serverIds;
    if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string')) {
      this.logger.warn(`ignoring a malformed ${MCP_REGISTRY_CHANGED_TOPIC} message`);
      return;
    }
    if (ids.length === 0) return;
    this.enqueue(() => this.reload(ids)).catch((error: unknown) => {
      this.logger.error(`reloading MCP servers failed; the next resync retries: ${String(error)}`);
    });
  }

  private async reload(serverIds: readonly string[]): Promise<void> {
    const records = await Promise.all(serverIds.map((id) => this.store.get(id)));
    serverIds.forEach((id, i) => {
      const record = records[i];
      if (record) this.servers.set(id, record);
      else this.servers.delete(id);
    });
    this.rebuild();
    this.notify(serverIds);
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = this.loaded ? MCP_REGISTRY_RESYNC_MS : FIRST_LOAD_RETRY_MS;
    this.timer = setTimeout(() => void this.resync().finally(() => this.schedule()), delay);
    this.timer.unref();
  }

  private rebuild(): void {
    this.ordered = [...this.servers.values()].sort((a, b) =>
      a.serverId < b.serverId ? -1 : a.serverId > b.serverId ? 1 : 0,
    );
  }

  private notify(serverIds: readonly string[]): void {
    for (const listener of this.listeners) {
      try {
        listener(serverIds);
      } catch (error) {
        this.logger.error(`an MCP registry listener failed: ${String(error)}`);
      }
    }
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function needsUrlCheck(patch: McpServerPatch): boolean {
  return patch.url !== undefined || patch.transport !== undefined || patch.enabled === true;
}

function changedIds(
  before: ReadonlyMap<string, McpServerRecord>,
  after: ReadonlyMap<string, McpServerRecord>,
): string[] {
  const ids = new Set([...before.keys(), ...after.keys()]);
  return [...ids].filter((id) => {
    const a = before.get(id);
    const b = after.get(id);
    return !a || !b || JSON.stringify(a) !== JSON.stringify(b);
  });
}
