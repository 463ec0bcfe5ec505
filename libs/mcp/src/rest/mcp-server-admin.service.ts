import { Injectable } from '@nestjs/common';
import type { GatewayRequest } from '@routeiq/common';
import { isMcpServerId, type McpServerRecord } from '@routeiq/persistence';
import { grants, resolvedKeyOf } from '@routeiq/security';
import { mayUseServer, mcpAccessOf } from '../access/mcp-server-access';
import { McpConfig } from '../mcp.config';
import { McpErrorCode, McpException } from '../mcp.exception';
import { McpConfigServersService } from '../registry/mcp-config-servers.service';
import { McpRegistryService } from '../registry/mcp-registry.service';
import { parseMcpServerCreate, parseMcpServerUpdate } from '../registry/mcp-server.parser';
import {
  toMcpServerView,
  type McpServerView,
  type McpViewAudience,
} from '../registry/mcp-server.view';
import { auditServerId } from './mcp-server-audit';

/** Held by admin keys; a user key needs it to register, change or remove MCP servers. */
export const MCP_SERVER_WRITE_PERMISSION = 'mcp.server.write';

export interface McpAccessGroupsView {
  access_groups: Array<{ name: string; servers: string[] }>;
}

/**
 * The server-management API behind the seed's and LiteLLM's routes. Reads show a user key only
 * the servers it may use (others are 404); writes go through the registry (SSRF guard, every
 * replica told).
 */
@Injectable()
export class McpServerAdminService {
  constructor(
    private readonly registry: McpRegistryService,
    private readonly config: McpConfig,
    private readonly configServers: McpConfigServersService,
  ) {}

  /** The servers the caller may see, ordered by id. */
  visible(req: GatewayRequest): McpServerRecord[] {
    const access = mcpAccessOf(req);
    return this.registry.list().filter((server) => mayUseServer(access, server));
  }

  /** @throws McpException 404 when the server does not exist or the caller may not see it. */
  visibleServer(serverId: string, req: GatewayRequest): McpServerRecord {
    const server = this.registry.get(serverId);
    if (!server || !mayUseServer(mcpAccessOf(req), server)) {
      throw McpException.serverNotFound(serverId);
    }
    return server;
  }

  list(req: GatewayRequest): McpServerView[] {
    const audience = audienceOf(req);
    return this.visible(req).map((server) => toMcpServerView(server, audience));
  }

  get(serverId: string, req: GatewayRequest): McpServerView {
    return toMcpServerView(this.visibleServer(serverId, req), audienceOf(req));
  }

  /** `existsStatus`: 409 on the seed's route, 400 on LiteLLM's. */
  async create(body: unknown, req: GatewayRequest, existsStatus = 409): Promise<McpServerView> {
    const draft = parseMcpServerCreate(body, this.config);
    // A refused create (duplicate id, SSRF) is audited against the id it asked for.
    auditServerId(req, draft.serverId);
    if (this.configServers.defines(draft.serverId)) {
      throw McpException.managedByConfig(draft.serverId);
    }
    const actor = req.principal?.keyId ?? null;
    try {
      const created = await this.registry.create({ ...draft, createdBy: actor, updatedBy: null });
      return toMcpServerView(created);
    } catch (error) {
      const exists =
        error instanceof McpException && error.code === (McpErrorCode.ServerExists as string);
      throw exists ? McpException.serverExists(draft.serverId, existsStatus) : error;
    }
  }

  async update(serverId: string, body: unknown, req: GatewayRequest): Promise<McpServerView> {
    const current = await this.apiManaged(serverId);
    const patch = parseMcpServerUpdate(body, current, this.config);
    const updated = await this.registry.update(serverId, patch, req.principal?.keyId ?? null);
    return toMcpServerView(updated);
  }

  async delete(serverId: string): Promise<void> {
    await this.apiManaged(serverId);
    return this.registry.delete(serverId);
  }

  /** Each access group of the servers the caller may see, with those servers' ids. */
  accessGroups(req: GatewayRequest): McpAccessGroupsView {
    const groups = new Map<string, string[]>();
    for (const server of this.visible(req)) {
      for (const group of server.accessGroups) {
        groups.set(group, [...(groups.get(group) ?? []), server.serverId]);
      }
    }
    const names = [...groups.keys()].sort();
    return { access_groups: names.map((name) => ({ name, servers: groups.get(name) ?? [] })) };
  }

  /** @throws McpException 404, or 409 `mcp_server_managed_by_config` for a config-file server. */
  private async apiManaged(serverId: string): Promise<McpServerRecord> {
    const current = await this.registry.fetch(checkedId(serverId));
    if (current.source === 'config') throw McpException.managedByConfig(serverId);
    return current;
  }
}

/** Managers (admin keys, holders of `mcp.server.write`) see how the gateway reaches a server. */
export function audienceOf(req: GatewayRequest): McpViewAudience {
  const kind = req.principal?.kind;
  if (kind === 'admin' || kind === 'master') return 'manager';
  const held = resolvedKeyOf(req)?.key.permissions ?? [];
  return grants(held, MCP_SERVER_WRITE_PERMISSION) ? 'manager' : 'user';
}

// An id that cannot exist is a 404 without a database round trip.
function checkedId(serverId: string): string {
  if (!isMcpServerId(serverId)) throw McpException.serverNotFound(serverId.slice(0, 80));
  return serverId;
}
