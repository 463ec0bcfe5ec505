import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { GatewayRequest, GatewayResponse } from '@routeiq/common';
import { A2aProxyService } from './a2a-proxy.service';

/** The gateway's A2A endpoint per agent, authenticated with the user key (the default). */
@Controller()
export class A2aProxyController {
  constructor(private readonly proxy: A2aProxyService) {}

  @Post('a2a/:id')
  call(
    @Param('id') agentId: string,
    @Req() req: GatewayRequest,
    @Res() res: GatewayResponse,
  ): Promise<void> {
    return this.proxy.handle(agentId, req, res);
  }
}
