import { Controller, Post, Req, Res, UseFilters } from '@nestjs/common';
import {
  DirectRoute,
  JsonBody,
  ModelScoped,
  readJsonBody,
  RequestLimits,
  sendJson,
  type GatewayRequest,
  type GatewayResponse,
} from '@routeiq/common';
import { InferenceService } from '../inference.service';
import { AnthropicErrorFilter } from './anthropic-error.filter';
import { HostedToolMessages } from './hosted-tool-messages.service';
import { hasMcpServers } from './messages-mcp.mapper';
import { MessagesTokenCounter } from './messages-token-counter.service';
import { MESSAGES_OPERATION } from './messages.operation';

/** Anthropic's Messages API, served through the same request path as chat completions. */
@ModelScoped()
@UseFilters(AnthropicErrorFilter)
@Controller()
export class MessagesController {
  constructor(
    private readonly inference: InferenceService,
    private readonly tokens: MessagesTokenCounter,
    private readonly hostedTools: HostedToolMessages,
    private readonly limits: RequestLimits,
  ) {}

  @DirectRoute()
  @Post('v1/messages')
  async create(@Req() req: GatewayRequest, @Res() res: GatewayResponse): Promise<void> {
    const body = await readJsonBody(req, this.limits.maxBodyBytes);
    if (hasMcpServers(body)) return this.hostedTools.run(body, req, res);
    return this.inference.run(MESSAGES_OPERATION, body, req, res);
  }

  @Post('v1/messages/count_tokens')
  countTokens(
    @JsonBody() body: unknown,
    @Req() req: GatewayRequest,
    @Res() res: GatewayResponse,
  ): void {
    sendJson(res, 200, this.tokens.count(body, req));
  }
}
