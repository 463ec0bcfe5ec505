import { Injectable, Optional } from '@nestjs/common';
import { CoordinationBus, ReplicatedRegistry, WarmUpRegistry } from '@routeiq/coordination';
import {
  McpServerStore,
  type McpServerInput,
  type McpServerPatch,
  type McpServerRecord,
} from '@routeiq/persistence';
import { OutboundUrlGuard } from '@routeiq/security';
import type { McpServerDirectory } from '../catalog/mcp-catalog.types';
import { McpException } from '../mcp.exception';

/** Published after every write with `{ serverIds }`; every replica reloads those servers. */
export const MCP_REGISTRY_CHANGED_TOPIC = 'mcp.registry.changed';

/**
 * The registered upstream MCP servers, kept on every replica (see ReplicatedRegistry; reloaded on
 * `mcp.registry.changed`). A remote server's URL passes the SSRF guard (else OutboundException
 * `ssrf_blocked`) when it is registered, when its URL or transport changes and when it is
 * enabled; stdio servers have none. A missing server is McpException `mcp_server_not_found`
 * (404), a taken id on create `mcp_server_exists` (409).
 */
@Injectable()
export class McpRegistryService
  extends ReplicatedRegistry<McpServerRecord, McpServerInput, McpServerPatch>
  implements McpServerDirectory
{
  constructor(
    store: McpServerStore,
    bus: CoordinationBus,
    private readonly urlGuard: OutboundUrlGuard,
    @Optional() warmUp?: WarmUpRegistry,
  ) {
    super(
      store,
      bus,
      {
        topic: MCP_REGISTRY_CHANGED_TOPIC,
        idsField: 'serverIds',
        noun: 'MCP server',
        context: 'McpRegistry',
        warmUpName: 'mcp-registry',
        idOf: (server) => server.serverId,
        notFound: (serverId) => McpException.serverNotFound(serverId),
        exists: (serverId) => McpException.serverExists(serverId),
      },
      warmUp,
    );
  }

  protected needsVetting(patch: McpServerPatch): boolean {
    return patch.url !== undefined || patch.transport !== undefined || patch.enabled === true;
  }

  protected async vet(server: Pick<McpServerRecord, 'transport' | 'url'>): Promise<void> {
    if (server.transport !== 'stdio' && server.url) await this.urlGuard.check(server.url);
  }
}
