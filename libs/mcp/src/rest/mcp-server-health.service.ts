import { Injectable } from '@nestjs/common';
import type { GatewayRequest } from '@routeiq/common';
import type { McpServerRecord } from '@routeiq/persistence';
import { McpUpstream, type McpServerHealth } from '../catalog/mcp-catalog.types';
import { McpServerAdminService } from './mcp-server-admin.service';

/** Probes run at once at most; the rest wait for a free slot. */
const MAX_PARALLEL_PROBES = 8;

export interface McpServerHealthView {
  server_id: string;
  server_name: string;
  status: McpServerHealth['status'];
  latency_ms: number | null;
  tool_count: number | null;
  protocol_version: string | null;
  server_info: { name: string; version: string } | null;
  error: string | null;
  checked_at: string;
}

export interface McpHealthReport {
  servers: McpServerHealthView[];
  healthy: number;
  unhealthy: number;
}

/** Real probes (connect, then `ping`) of the servers the caller may see. */
@Injectable()
export class McpServerHealthService {
  constructor(
    private readonly servers: McpServerAdminService,
    private readonly upstream: McpUpstream,
  ) {}

  /** Every visible server (or those of `serverIds`); disabled ones are reported, not probed. */
  async report(req: GatewayRequest, serverIds?: readonly string[]): Promise<McpHealthReport> {
    const wanted = serverIds && serverIds.length > 0 ? new Set(serverIds) : undefined;
    const targets = this.servers.visible(req).filter((s) => !wanted || wanted.has(s.serverId));
    const views = await mapBounded(targets, MAX_PARALLEL_PROBES, (server) => this.probe(server));
    return {
      servers: views,
      healthy: views.filter((view) => view.status === 'healthy').length,
      unhealthy: views.filter((view) => view.status === 'unhealthy').length,
    };
  }

  /** @throws McpException 404 when the server does not exist or the caller may not see it. */
  one(serverId: string, req: GatewayRequest): Promise<McpServerHealthView> {
    return this.probe(this.servers.visibleServer(serverId, req));
  }

  private async probe(server: McpServerRecord): Promise<McpServerHealthView> {
    if (!server.enabled) return toHealthView(server, absentHealth(server.serverId, 'disabled'));
    // `probe` never throws by contract; one broken probe must not sink the whole report anyway.
    const health = await this.upstream
      .probe(server.serverId)
      .catch(() => absentHealth(server.serverId, 'unhealthy', 'probe failed'));
    return toHealthView(server, health);
  }
}

/** Query `server_ids=a,b` (LiteLLM) as a list; undefined for all. */
export function serverIdsQuery(value: unknown): string[] | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
}

function absentHealth(
  serverId: string,
  status: McpServerHealth['status'],
  error: string | null = null,
): McpServerHealth {
  return {
    serverId,
    status,
    latencyMs: null,
    toolCount: null,
    protocolVersion: null,
    serverInfo: null,
    error,
    checkedAt: new Date().toISOString(),
  };
}

function toHealthView(server: McpServerRecord, health: McpServerHealth): McpServerHealthView {
  return {
    server_id: server.serverId,
    server_name: server.serverName,
    status: health.status,
    latency_ms: health.latencyMs,
    tool_count: health.toolCount,
    protocol_version: health.protocolVersion,
    server_info: health.serverInfo && { ...health.serverInfo },
    error: health.error,
    checked_at: health.checkedAt,
  };
}

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
