import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import {
  DirectRoute,
  ModelScoped,
  readJsonBody,
  RequestLimits,
  type GatewayRequest,
  type GatewayResponse,
} from '@routeiq/common';
import { CHAT_OPERATION } from '../inference-operation';
import { InferenceService } from '../inference.service';
import { withPathModel } from '../path-model';
import { HostedToolChat } from './hosted-tool-chat.service';
import { hasHostedTools } from './hosted-tool-request';

// The body is read here, after the guards, as `@JsonBody()` would: without a parameter pipe, the
// busiest route skips Nest's per-request pipe chain (~3 KB of garbage per request).
@ModelScoped()
@Controller()
export class ChatCompletionsController {
  constructor(
    private readonly inference: InferenceService,
    private readonly hostedTools: HostedToolChat,
    private readonly limits: RequestLimits,
  ) {}

  @DirectRoute()
  @Post(['v1/chat/completions', 'chat/completions'])
  async create(@Req() req: GatewayRequest, @Res() res: GatewayResponse): Promise<void> {
    return this.complete(await readJsonBody(req, this.limits.maxBodyBytes), req, res);
  }

  /** Azure OpenAI SDKs name the model group in the path; `api-version` is accepted and ignored. */
  @Post(['openai/deployments/:model/chat/completions', 'engines/:model/chat/completions'])
  async createForDeployment(
    @Param('model') model: string,
    @Req() req: GatewayRequest,
    @Res() res: GatewayResponse,
  ): Promise<void> {
    const body = await readJsonBody(req, this.limits.maxBodyBytes);
    return this.complete(withPathModel(body, model), req, res);
  }

  private complete(body: unknown, req: GatewayRequest, res: GatewayResponse): Promise<void> {
    if (hasHostedTools(body)) return this.hostedTools.run(body, req, res);
    return this.inference.run(CHAT_OPERATION, body, req, res);
  }
}
