import { GatewayTracer } from '@routeiq/observability';
import { mcpServerDefaults, type McpServerRecord } from '@routeiq/persistence';
import {
  DnsHostResolver,
  OutboundUrlGuard,
  resolveOutboundConfig,
  SafeOutboundClient,
} from '@routeiq/security';
import { McpCatalogService } from '../../catalog/mcp-catalog.service';
import { McpServerDirectory } from '../../catalog/mcp-catalog.types';
import { resolveMcpConfig, type McpConfig } from '../../mcp.config';
import { McpConnectionPool } from '../mcp-connection.pool';
import { McpRequestRunner } from '../mcp-request.runner';
import { McpTransportFactory } from '../mcp-transport.factory';
import { McpUpstreamService } from '../mcp-upstream.service';

/** The registry's in-memory view, written by the test. */
export class FakeServerDirectory extends McpServerDirectory {
  private readonly records = new Map<string, McpServerRecord>();
  private readonly listeners = new Set<(serverIds: readonly string[]) => void>();

  list(): readonly McpServerRecord[] {
    return [...this.records.values()].sort((a, b) => a.serverId.localeCompare(b.serverId));
  }

  get(serverId: string): McpServerRecord | undefined {
    return this.records.get(serverId);
  }

  onChange(listener: (serverIds: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds or replaces servers, then tells the listeners, as a registry bus message would. */
  put(...records: McpServerRecord[]): void {
    for (const record of records) this.records.set(record.serverId, record);
    this.emit(records.map((record) => record.serverId));
  }

  remove(serverId: string): void {
    this.records.delete(serverId);
    this.emit([serverId]);
  }

  private emit(serverIds: readonly string[]): void {
    for (const listener of this.listeners) listener(serverIds);
  }
}

export function serverRecord(
  serverId: string,
  url: string | null,
  overrides: Partial<McpServerRecord> = {},
): McpServerRecord {
  return {
    ...mcpServerDefaults(),
    serverId,
    serverName: serverId,
    url,
    createdBy: null,
    updatedBy: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}

export interface UpstreamHarness {
  readonly directory: FakeServerDirectory;
  readonly config: McpConfig;
  readonly pool: McpConnectionPool;
  readonly catalog: McpCatalogService;
  readonly upstream: McpUpstreamService;
  /** Closes the connections and the outbound dispatchers, as application shutdown does. */
  close(): Promise<void>;
}

/**
 * The real classes wired by hand, the SSRF guard allowing only `allowedUrls` (URL prefixes: the
 * only way to reach 127.0.0.1) and the system resolver.
 */
export function upstreamHarness(
  allowedUrls: readonly string[],
  env: Record<string, string> = {},
): UpstreamHarness {
  const outboundConfig = resolveOutboundConfig({
    LLMROUTER_OUTBOUND_URL_ALLOWLIST: allowedUrls.join(','),
  });
  const outbound = new SafeOutboundClient(
    new OutboundUrlGuard(outboundConfig, new DnsHostResolver()),
  );
  const config = resolveMcpConfig({ MCP_GATEWAY_ENABLED: 'true', ...env });
  const directory = new FakeServerDirectory();
  const pool = new McpConnectionPool(new McpTransportFactory(outbound, config), config, directory);
  const runner = new McpRequestRunner(directory, pool, config);
  const catalog = new McpCatalogService(directory, runner, config, pool);
  const upstream = new McpUpstreamService(runner, directory, catalog, new GatewayTracer());
  return {
    directory,
    config,
    pool,
    catalog,
    upstream,
    close: async () => {
      catalog.onModuleDestroy();
      await pool.onModuleDestroy();
      await outbound.onApplicationShutdown();
    },
  };
}
