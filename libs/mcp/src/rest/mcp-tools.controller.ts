import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { JsonBody, type GatewayRequest, type GatewayResponse, UserOrAdmin } from '@routeiq/common';
import { splitQualifiedName } from '../catalog/mcp-catalog.types';
import { McpOperations } from '../invocation/mcp-operations';
import { McpConfig } from '../mcp.config';
import { McpException } from '../mcp.exception';
import { clientSignal, parseToolCallBody } from './mcp-tools-request';
import { resourcesListView, toolsListView, toolView, type McpToolView } from './mcp-tools.view';

/**
 * The gateway's tool and resource REST routes (user keys; each caller sees and calls only what
 * its key and team may use).
 */
@UserOrAdmin()
@Controller('llmrouter/mcp')
export class McpToolsController {
  constructor(
    private readonly mcp: McpOperations,
    private readonly config: McpConfig,
  ) {}

  @Get(['tools', 'tools/list'])
  list(@Req() req: GatewayRequest): Promise<ReturnType<typeof toolsListView>> {
    return this.mcp.listTools(req).then(toolsListView);
  }

  @Get('tools/:name')
  async get(@Param('name') name: string, @Req() req: GatewayRequest): Promise<McpToolView> {
    const entry = (await this.mcp.listTools(req)).find((tool) => tool.qualifiedName === name);
    if (!entry) throw McpException.toolNotFound(name);
    return toolView(entry);
  }

  /** 501 while invocation is disabled, whoever calls and whatever the body says. */
  @Post('tools/call')
  @HttpCode(200)
  async call(
    @JsonBody() body: unknown,
    @Req() req: GatewayRequest,
    @Res({ passthrough: true }) res: GatewayResponse,
  ): Promise<{ result: Record<string, unknown>; server_id: string; tool_name: string }> {
    if (!this.config.toolInvocationEnabled) throw McpException.toolInvocationDisabled();
    const { name, args } = parseToolCallBody(body);
    const signal = clientSignal(res);
    const result = await this.mcp.callTool(req, name, args, { channel: 'rest', signal });
    return { result, server_id: splitQualifiedName(name)?.serverId ?? '', tool_name: name };
  }

  @Get('resources')
  resources(@Req() req: GatewayRequest): Promise<ReturnType<typeof resourcesListView>> {
    return this.mcp.listResources(req).then(resourcesListView);
  }
}
