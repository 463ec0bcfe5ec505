import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { GatewayException } from '@routeiq/common';
import { ConfigStore, type GatewayConfig, type PreparedConfigChange } from '@routeiq/config';
import { McpServerStore, type McpServerRecord } from '@routeiq/persistence';
import { McpConfig } from '../mcp.config';
import { McpErrorCode, McpException } from '../mcp.exception';
import { mcpConfigServerDrafts } from './mcp-config-servers';
import { McpRegistryService } from './mcp-registry.service';
import type { McpServerDraft } from './mcp-server.parser';
import { changes } from './mcp-server-patch';

/** First retry of an apply that failed for a passing reason (the database down); doubles to 60 s. */
export const MCP_CONFIG_RETRY_FIRST_MS = 1_000;
const MCP_CONFIG_RETRY_MAX_MS = 60_000;

/**
 * Keeps the registry in step with the config file's `mcp_servers`: at boot and after every
 * successful reload, each server is created or updated to match the file (`source: 'config'`), and
 * config servers no longer in the file are removed. Servers registered through the API are never
 * touched. Every write is idempotent (the primary key settles a create race), so replicas booting
 * together with the same file converge; the registry tells every replica. An apply that failed for
 * a passing reason (the database or the bus down: anything but the gateway's own refusals, such as
 * a URL the SSRF guard blocks) is tried again, 1 s then doubling up to 60 s, until it completes or
 * a newer file replaces it.
 */
@Injectable()
export class McpConfigServersService
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('McpConfigServers');
  private desired: readonly McpServerDraft[] = [];
  private booted = false;
  private stopped = false;
  private queue: Promise<void> = Promise.resolve();
  private retryTimer?: NodeJS.Timeout;
  private retryMs = MCP_CONFIG_RETRY_FIRST_MS;

  constructor(
    private readonly configStore: ConfigStore,
    private readonly registry: McpRegistryService,
    private readonly store: McpServerStore,
    private readonly config: McpConfig,
  ) {}

  onModuleInit(): void {
    this.configStore.register({ name: 'mcp-servers', prepare: (c) => this.prepare(c) });
  }

  /** Boot waits for the first apply: the file's servers are there once the gateway serves. */
  onApplicationBootstrap(): Promise<void> {
    this.booted = true;
    return this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  /** Whether the config file defines `serverId` (the API may not register that id). */
  defines(serverId: string): boolean {
    return this.desired.some((server) => server.serverId === serverId);
  }

  /** Resolves once every apply scheduled so far has run (errors are logged, never thrown). */
  settled(): Promise<void> {
    return this.queue;
  }

  private prepare(config: GatewayConfig): PreparedConfigChange {
    const { drafts, problems } = mcpConfigServerDrafts(config.mcpServers, this.config);
    return {
      problems,
      commit: () => {
        this.desired = drafts;
        if (this.booted) void this.schedule();
      },
    };
  }

  private schedule(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const desired = this.desired;
    this.queue = this.queue.then(async () => {
      let complete = false;
      try {
        complete = await this.apply(desired);
      } catch (error) {
        this.logger.error(`applying mcp_servers failed: ${String(error)}`);
      }
      if (complete) this.retryMs = MCP_CONFIG_RETRY_FIRST_MS;
      // A newer file scheduled its own apply.
      else if (!this.stopped && desired === this.desired) this.retryLater();
    });
    return this.queue;
  }

  private retryLater(): void {
    this.logger.warn(`mcp_servers: trying again in ${this.retryMs} ms`);
    this.retryTimer = setTimeout(() => void this.schedule(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MCP_CONFIG_RETRY_MAX_MS);
  }

  /** True when every write was done or refused for good (nothing worth trying again). */
  private async apply(desired: readonly McpServerDraft[]): Promise<boolean> {
    const stored = new Map((await this.store.list()).map((s) => [s.serverId, s]));
    let complete = true;
    for (const draft of desired) {
      const write = () => this.upsert(draft, stored.get(draft.serverId));
      complete = (await this.guarded(draft.serverId, write)) && complete;
    }
    const wanted = new Set(desired.map((draft) => draft.serverId));
    for (const server of stored.values()) {
      if (server.source !== 'config' || wanted.has(server.serverId)) continue;
      complete =
        (await this.guarded(server.serverId, () => this.remove(server.serverId))) && complete;
    }
    return complete;
  }

  private async upsert(draft: McpServerDraft, current?: McpServerRecord): Promise<void> {
    if (!current) {
      try {
        await this.registry.create({ ...draft, createdBy: null, updatedBy: null });
        this.logger.log(`MCP server "${draft.serverId}" registered from the config file`);
        return;
      } catch (error) {
        // Another replica created it first: bring it in line like any stored server.
        if (!isCode(error, McpErrorCode.ServerExists)) throw error;
        current = await this.registry.fetch(draft.serverId);
      }
    }
    if (current.source !== 'config') {
      this.logger.error(
        `mcp_servers.${draft.serverId}: an MCP server with this id was registered through the ` +
          'API; it is left as it is (rename one of them)',
      );
      return;
    }
    const patch = changes(draft, current);
    if (Object.keys(patch).length === 0) return;
    await this.registry.update(draft.serverId, patch, null);
    this.logger.log(`MCP server "${draft.serverId}" updated from the config file`);
  }

  private async remove(serverId: string): Promise<void> {
    try {
      await this.registry.delete(serverId);
      this.logger.log(`MCP server "${serverId}" removed: no longer in the config file`);
    } catch (error) {
      if (!isCode(error, McpErrorCode.ServerNotFound)) throw error;
    }
  }

  /**
   * One server's failure (a URL the SSRF guard blocks, say) does not stop the others. False when
   * the failure may pass (not one of the gateway's own refusals).
   */
  private async guarded(serverId: string, write: () => Promise<void>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      this.logger.error(`mcp_servers.${serverId}: not applied: ${String(error)}`);
      return error instanceof GatewayException;
    }
  }
}

function isCode(error: unknown, code: McpErrorCode): boolean {
  return error instanceof McpException && error.code === (code as string);
}
