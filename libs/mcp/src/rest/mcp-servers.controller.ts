import { Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import {
  Audited,
  JsonBody,
  RequirePermission,
  type GatewayRequest,
  UserOrAdmin,
} from '@routeiq/common';
import type { McpServerView } from '../registry/mcp-server.view';
import { MCP_SERVER_WRITE_PERMISSION, McpServerAdminService } from './mcp-server-admin.service';
import { auditedView, auditServerId } from './mcp-server-audit';

/** The seed's MCP server management. Reads need a user key and show only its usable servers. */
@UserOrAdmin()
@Controller('llmrouter/mcp/servers')
export class McpServersController {
  constructor(private readonly admin: McpServerAdminService) {}

  @Get()
  list(@Req() req: GatewayRequest): { servers: McpServerView[]; total_count: number } {
    return withCount(this.admin.list(req));
  }

  @RequirePermission(MCP_SERVER_WRITE_PERMISSION)
  @Audited('mcp.server.add', 'mcp_server')
  @Post()
  @HttpCode(201)
  create(@JsonBody() body: unknown, @Req() req: GatewayRequest): Promise<McpServerView> {
    return this.admin.create(body, req).then((view) => auditedView(req, view));
  }

  @Get(':id')
  get(@Param('id') id: string, @Req() req: GatewayRequest): McpServerView {
    return this.admin.get(id, req);
  }

  @RequirePermission(MCP_SERVER_WRITE_PERMISSION)
  @Audited('mcp.server.update', 'mcp_server')
  @Put(':id')
  @HttpCode(200)
  update(
    @Param('id') id: string,
    @JsonBody() body: unknown,
    @Req() req: GatewayRequest,
  ): Promise<McpServerView> {
    return this.admin.update(auditServerId(req, id), body, req).then((v) => auditedView(req, v));
  }

  @RequirePermission(MCP_SERVER_WRITE_PERMISSION)
  @Audited('mcp.server.delete', 'mcp_server')
  @Delete(':id')
  @HttpCode(200)
  delete(
    @Param('id') id: string,
    @Req() req: GatewayRequest,
  ): Promise<{ deleted: true; server_id: string }> {
    return this.admin.delete(auditServerId(req, id)).then(() => ({ deleted: true, server_id: id }));
  }
}

function withCount(servers: McpServerView[]): { servers: McpServerView[]; total_count: number } {
  return { servers, total_count: servers.length };
}
