import { UserOrAdmin } from '@routeiq/common';
import { Controller, Get, Param, Req } from '@nestjs/common';
import type { GatewayRequest } from '@routeiq/common';
import { McpServerAdminService, type McpAccessGroupsView } from './mcp-server-admin.service';
import {
  McpServerHealthService,
  type McpHealthReport,
  type McpServerHealthView,
} from './mcp-server-health.service';
import { gatewayUrlOf, registryDocument, type McpRegistryDocument } from './mcp-registry.document';

/** Health probes, the registry document and access groups; user keys, filtered per caller. */
@UserOrAdmin()
@Controller('v1/llmrouter/mcp')
export class McpServerStatusController {
  constructor(
    private readonly admin: McpServerAdminService,
    private readonly health: McpServerHealthService,
  ) {}

  @Get('server/health')
  healthAll(@Req() req: GatewayRequest): Promise<McpHealthReport> {
    return this.health.report(req);
  }

  @Get('server/:id/health')
  healthOne(@Param('id') id: string, @Req() req: GatewayRequest): Promise<McpServerHealthView> {
    return this.health.one(id, req);
  }

  @Get('registry.json')
  registry(@Req() req: GatewayRequest): McpRegistryDocument {
    return registryDocument(this.admin.visible(req), gatewayUrlOf(req));
  }

  @Get('access_groups')
  accessGroups(@Req() req: GatewayRequest): McpAccessGroupsView {
    return this.admin.accessGroups(req);
  }
}
