import { Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import {
  Audited,
  JsonBody,
  RequirePermission,
  type GatewayRequest,
  UserOrAdmin,
} from '@routeiq/common';
import { serverIdOfBody } from '../registry/mcp-server.parser';
import type { McpServerView } from '../registry/mcp-server.view';
import { MCP_SERVER_WRITE_PERMISSION, McpServerAdminService } from './mcp-server-admin.service';
import { auditedView, auditServerId } from './mcp-server-audit';
import {
  McpServerHealthService,
  serverIdsQuery,
  type McpServerHealthView,
} from './mcp-server-health.service';

/** LiteLLM's `/v1/mcp/server` management routes, with LiteLLM's status codes. */
@UserOrAdmin()
@Controller('v1/mcp/server')
export class LitellmMcpServerController {
  constructor(
    private readonly admin: McpServerAdminService,
    private readonly health: McpServerHealthService,
  ) {}

  @Get()
  list(@Req() req: GatewayRequest): McpServerView[] {
    return this.admin.list(req);
  }

  // Declared before `:id`, which would otherwise take `health` for a server id.
  @Get('health')
  healthAll(
    @Query('server_ids') ids: unknown,
    @Req() req: GatewayRequest,
  ): Promise<McpServerHealthView[]> {
    return this.health.report(req, serverIdsQuery(ids)).then((report) => report.servers);
  }

  @Get(':id')
  get(@Param('id') id: string, @Req() req: GatewayRequest): McpServerView {
    return this.admin.get(id, req);
  }

  /** An existing id is a 400, as in LiteLLM. */
  @RequirePermission(MCP_SERVER_WRITE_PERMISSION)
  @Audited('mcp.server.add', 'mcp_server')
  @Post()
  @HttpCode(201)
  create(@JsonBody() body: unknown, @Req() req: GatewayRequest): Promise<McpServerView> {
    return this.admin.create(body, req, 400).then((view) => auditedView(req, view));
  }

  /** The body names the server (`server_id`). */
  @RequirePermission(MCP_SERVER_WRITE_PERMISSION)
  @Audited('mcp.server.update', 'mcp_server')
  @Put()
  @HttpCode(202)
  update(@JsonBody() body: unknown, @Req() req: GatewayRequest): Promise<McpServerView> {
    const id = auditServerId(req, serverIdOfBody(body));
    return this.admin.update(id, body, req).then((view) => auditedView(req, view));
  }

  @RequirePermission(MCP_SERVER_WRITE_PERMISSION)
  @Audited('mcp.server.delete', 'mcp_server')
  @Delete(':id')
  @HttpCode(202)
  delete(@Param('id') id: string, @Req() req: GatewayRequest): Promise<void> {
    return this.admin.delete(auditServerId(req, id));
  }
}
