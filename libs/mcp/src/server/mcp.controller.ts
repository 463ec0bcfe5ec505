import { Controller, Delete, Get, Post, Req, Res } from '@nestjs/common';
import type { GatewayRequest, GatewayResponse } from '@routeiq/common';
import { JsonRpcCode } from '../mcp.exception';
import { rpcError } from './json-rpc';
import { writeReply } from './mcp-http.io';
import { McpSseTransport } from './legacy-sse.transport';
import { McpStreamableHttpHandler } from './streamable-http.handler';

const NO_GET_STREAM = {
  status: 405,
  headers: { allow: 'POST, DELETE' },
  body: rpcError(null, {
    code: JsonRpcCode.InvalidRequest,
    message: 'Method not allowed: this server opens no server-initiated stream',
  }),
};

/**
 * The gateway's own MCP server for clients, authenticated with the user key: Streamable HTTP at
 * `/mcp` (sessions and the stateless revision) and the legacy HTTP+SSE transport.
 */
@Controller()
export class McpController {
  constructor(
    private readonly streamable: McpStreamableHttpHandler,
    private readonly sse: McpSseTransport,
  ) {}

  @Post('mcp')
  post(@Req() req: GatewayRequest, @Res() res: GatewayResponse): Promise<void> {
    return this.streamable.post(req, res);
  }

  @Get('mcp')
  stream(@Req() req: GatewayRequest, @Res() res: GatewayResponse): void {
    writeReply(req, res, NO_GET_STREAM);
  }

  @Delete('mcp')
  end(@Req() req: GatewayRequest, @Res() res: GatewayResponse): Promise<void> {
    return this.streamable.delete(req, res);
  }

  @Get('mcp/sse')
  openSse(@Req() req: GatewayRequest, @Res() res: GatewayResponse): Promise<void> {
    return this.sse.open(req, res);
  }

  @Post('mcp/messages')
  postSseMessage(@Req() req: GatewayRequest, @Res() res: GatewayResponse): Promise<void> {
    return this.sse.post(req, res);
  }
}
