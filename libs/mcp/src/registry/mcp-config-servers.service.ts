import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { ConfigStore, type GatewayConfig, type PreparedConfigChange } from '@routeiq/config';
import { McpServerStore, type McpServerRecord } from '@routeiq/persistence';
import { McpConfig } from '../mcp.config';
import { McpErrorCode, McpException } from '../mcp.exception';
import { mcpConfigServerDrafts } from './mcp-config-servers';
import { McpRegistryService } from './mcp-registry.service';
import type { McpServerDraft } from './mcp-server.parser';
import { changes } from './mcp-server-patch';

/**
 * Keeps the registry in step with the config file's `mcp_servers`: at boot and after every
 * successful reload, each server is created or updated to match the file (`source: 'config'`), and
 * config servers no longer in the file are removed. Servers registered through the API are never
 * touched. Every write is idempotent (the primary key settles a create race), so replicas booting
 * together with the same file converge; the registry tells every replica.
 */
@Injectable()
export class McpConfigServersService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('McpConfigServers');
  private desired: readonly McpServerDraft[] = [];
  private booted = false;
  private queue: Promise<void> = Promise.resolve();

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
    const desired = this.desired;
    this.queue = this.queue.then(() =>
      this.apply(desired).catch((error: unknown) => {
        this.logger.error(`applying mcp_servers failed: ${String(error)}`);
      }),
    );
    return this.queue;
  }

  private async apply(desired: readonly McpServerDraft[]): Promise<void> {
    const stored = new Map((await this.store.list()).map((s) => [s.serverId, s]));
    for (const draft of desired) {
      await this.guarded(draft.serverId, () => this.upsert(draft, stored.get(draft.serverId)));
    }
    const wanted = new Set(desired.map((draft) => draft.serverId));
    for (const server of stored.values()) {
      if (server.source !== 'config' || wanted.has(server.serverId)) continue;
      await this.guarded(server.serverId, () => this.remove(server.serverId));
    }
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

  /** One server's failure (a URL the SSRF guard blocks, say) does not stop the others. */
  private async guarded(serverId: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.logger.error(`mcp_servers.${serverId}: not applied: ${String(error)}`);
    }
  }
}

function isCode(error: unknown, code: McpErrorCode): boolean {
  return error instanceof McpException && error.code === (code as string);
}
