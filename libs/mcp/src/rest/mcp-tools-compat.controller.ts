import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { JsonBody, type GatewayRequest, type GatewayResponse, UserOrAdmin } from '@routeiq/common';
import { McpOperations } from '../invocation/mcp-operations';
import { McpConfig } from '../mcp.config';
import { McpException } from '../mcp.exception';
import { clientSignal, parseToolCallBody } from './mcp-tools-request';
import { liteLlmToolView, type LiteLlmToolView } from './mcp-tools.view';

interface LiteLlmToolList {
  tools: LiteLlmToolView[];
  error: string | null;
  message: string;
}

/** LiteLLM's tool routes, with the same per-caller filtering, gate and checks as ours. */
@UserOrAdmin()
@Controller()
export class McpToolsCompatController {
  constructor(
    private readonly mcp: McpOperations,
    private readonly config: McpConfig,
  ) {}

  @Get('v1/mcp/tools')
  tools(@Req() req: GatewayRequest): Promise<{ tools: LiteLlmToolView[] }> {
    return this.mcp.listTools(req).then((tools) => ({ tools: tools.map(liteLlmToolView) }));
  }

  /** `?server_id=` narrows the list to one server. */
  @Get('mcp-rest/tools/list')
  async list(
    @Req() req: GatewayRequest,
    @Query('server_id') serverId: string | undefined,
  ): Promise<LiteLlmToolList> {
    const tools = (await this.mcp.listTools(req)).filter(
      (tool) => serverId === undefined || tool.serverId === serverId,
    );
    return {
      tools: tools.map(liteLlmToolView),
      error: null,
      message: 'Successfully retrieved tools',
    };
  }

  /** Answers the upstream's `CallToolResult`, as LiteLLM does. */
  @Post('mcp-rest/tools/call')
  @HttpCode(200)
  call(
    @JsonBody() body: unknown,
    @Req() req: GatewayRequest,
    @Res({ passthrough: true }) res: GatewayResponse,
  ): Promise<Record<string, unknown>> {
    if (!this.config.toolInvocationEnabled) throw McpException.toolInvocationDisabled();
    const { name, args } = parseToolCallBody(body);
    return this.mcp.callTool(req, name, args, { channel: 'rest', signal: clientSignal(res) });
  }
}
