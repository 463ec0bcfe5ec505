import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { GatewayException } from '@routeiq/common';
import type { McpServerRecord } from '@routeiq/persistence';
import { McpConfig } from '../mcp.config';
import { McpException } from '../mcp.exception';
import { McpConnectionPool } from '../upstream/mcp-connection.pool';
import { McpRequestRunner } from '../upstream/mcp-request.runner';
import {
  McpCatalog,
  McpServerDirectory,
  splitQualifiedName,
  type McpListingOptions,
  type McpPromptEntry,
  type McpResourceEntry,
  type McpResourceTemplateEntry,
  type McpToolEntry,
} from './mcp-catalog.types';
import { loadServerListing, type ServerListing } from './server-listing.loader';

interface CacheEntry {
  readonly listing: Promise<ServerListing>;
  readonly expiresAt: number;
}

type Listed = readonly [McpServerRecord, ServerListing];

/**
 * Discovery over the pooled upstream connections (see `McpCatalog`). One listing per server is
 * cached and shared by concurrent callers; the record's `enabled` and `allowedTools` are applied
 * on every read, so a registry change never needs a new listing to take effect.
 */
@Injectable()
export class McpCatalogService extends McpCatalog implements OnModuleDestroy {
  private readonly logger = new Logger('McpCatalog');
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lastGood = new Map<string, ServerListing>();
  private readonly failing = new Set<string>();
  /** Per server, the sequence number of its last registry change (which closes its connection). */
  private readonly changed = new Map<string, number>();
  private changes = 0;
  private readonly subscriptions: ReadonlyArray<() => void>;

  constructor(
    private readonly directory: McpServerDirectory,
    private readonly runner: McpRequestRunner,
    private readonly config: McpConfig,
    pool: McpConnectionPool,
  ) {
    super();
    this.subscriptions = [
      pool.onListChanged((serverId) => this.invalidate([serverId])),
      directory.onChange((serverIds) => this.forget(serverIds)),
    ];
  }

  async tools(
    serverIds?: readonly string[],
    options: McpListingOptions = {},
  ): Promise<McpToolEntry[]> {
    const listed = await this.listings(serverIds, options.strict === true);
    return listed.flatMap(([record, listing]) => exposedTools(record, listing));
  }

  async findTool(qualified: string): Promise<McpToolEntry | undefined> {
    const parts = splitQualifiedName(qualified);
    const record = parts && this.directory.get(parts.serverId);
    if (!parts || !record?.enabled) return undefined;
    const listing = await this.listing(record).catch(() => undefined);
    return listing && exposedTools(record, listing).find((tool) => tool.name === parts.name);
  }

  async resources(serverIds?: readonly string[]): Promise<McpResourceEntry[]> {
    const listed = await this.listings(serverIds);
    return listed.flatMap(([, listing]) => [...listing.resources]);
  }

  async resourceTemplates(serverIds?: readonly string[]): Promise<McpResourceTemplateEntry[]> {
    const listed = await this.listings(serverIds);
    return listed.flatMap(([, listing]) => [...listing.resourceTemplates]);
  }

  async prompts(serverIds?: readonly string[]): Promise<McpPromptEntry[]> {
    const listed = await this.listings(serverIds);
    return listed.flatMap(([, listing]) => [...listing.prompts]);
  }

  invalidate(serverIds?: readonly string[]): void {
    if (!serverIds) return this.cache.clear();
    for (const serverId of serverIds) this.cache.delete(serverId);
  }

  /** Tools the server exposes as of its last successful listing; null before one. */
  lastToolCount(serverId: string): number | null {
    const record = this.directory.get(serverId);
    const listing = this.lastGood.get(serverId);
    return record && listing ? exposedTools(record, listing).length : null;
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.subscriptions) unsubscribe();
  }

  private forget(serverIds: readonly string[]): void {
    this.invalidate(serverIds);
    for (const serverId of serverIds) {
      if (this.directory.get(serverId)) {
        this.changed.set(serverId, ++this.changes);
        continue;
      }
      this.lastGood.delete(serverId);
      this.failing.delete(serverId);
      this.changed.delete(serverId);
    }
  }

  /** Failed servers are left out; `strict`: the first failed one (by id) rejects instead. */
  private async listings(
    serverIds: readonly string[] | undefined,
    strict = false,
  ): Promise<Listed[]> {
    const wanted = serverIds && new Set(serverIds);
    const records = this.directory
      .list()
      .filter((record) => record.enabled && (!wanted || wanted.has(record.serverId)));
    const outcomes = await Promise.allSettled(records.map((record) => this.listing(record)));
    const listed: Listed[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      const record = records[i]!;
      if (outcome.status === 'fulfilled') listed.push([record, outcome.value]);
      else if (strict) throw listingFailure(record.serverId, outcome.reason);
    }
    return listed;
  }

  /** The cached or in-flight listing, else a new one; rejects when it failed. */
  private listing(record: McpServerRecord): Promise<ServerListing> {
    const { serverId } = record;
    let entry = this.cache.get(serverId);
    if (!entry || entry.expiresAt <= Date.now()) {
      const created: CacheEntry = {
        listing: this.load(serverId),
        expiresAt: Date.now() + this.config.discoveryTtlSeconds * 1000,
      };
      created.listing.catch(() => {
        if (this.cache.get(serverId) === created) this.cache.delete(serverId);
      });
      this.cache.set(serverId, created);
      entry = created;
    }
    return entry.listing;
  }

  private async load(serverId: string, retried = false): Promise<ServerListing> {
    const change = this.changed.get(serverId);
    try {
      const listing = await this.runner.run(serverId, {}, loadServerListing);
      this.lastGood.set(serverId, listing);
      this.failing.delete(serverId);
      return listing;
    } catch (err) {
      // A registry change (the registry's own bus message after a write, too) closes the
      // connection under a listing in flight: that says nothing of the server, so list again.
      if (!retried && this.changed.get(serverId) !== change) return this.load(serverId, true);
      if (!this.failing.has(serverId)) {
        this.failing.add(serverId);
        // Gateway exceptions are secret-free (host at most); anything else is not described.
        const reason = err instanceof GatewayException ? err.message : 'listing failed';
        this.logger.warn(`MCP server ${serverId} left out of the catalog: ${reason}`);
      }
      throw err;
    }
  }
}

function exposedTools(record: McpServerRecord, listing: ServerListing): McpToolEntry[] {
  const allowed = record.allowedTools;
  return listing.tools.filter((tool) => allowed.length === 0 || allowed.includes(tool.name));
}

/** The strict listing's error; its reason drops the `MCP server "id" failed:` it would repeat. */
function listingFailure(serverId: string, error: unknown): McpException {
  // Gateway exceptions are secret-free (host at most); anything else is not described.
  if (!(error instanceof GatewayException)) {
    return McpException.listingFailed(serverId, 'the listing failed', error);
  }
  const prefix = `MCP server ${JSON.stringify(serverId)} `;
  const message = error.message.startsWith(prefix)
    ? error.message.slice(prefix.length)
    : error.message;
  return McpException.listingFailed(serverId, message.replace(/^failed: /, ''), error);
}
