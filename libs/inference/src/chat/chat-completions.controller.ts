import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { JsonBody, ModelScoped, type GatewayRequest, type GatewayResponse } from '@routeiq/common';
import { CHAT_OPERATION } from '../inference-operation';
import { InferenceService } from '../inference.service';
import { withPathModel } from '../path-model';
import { HostedToolChat } from './hosted-tool-chat.service';
import { hasHostedTools } from './hosted-tool-request';

@ModelScoped()
@Controller()
export class ChatCompletionsController {
  constructor(
    private readonly inference: InferenceService,
    private readonly hostedTools: HostedToolChat,
  ) {}

  @Post(['v1/chat/completions', 'chat/completions'])
  create(
    @JsonBody() body: unknown,
    @Req() req: GatewayRequest,
    @Res() res: GatewayResponse,
  ): Promise<void> {
    return this.complete(body, req, res);
  }

  /** Azure OpenAI SDKs name the model group in the path; `api-version` is accepted and ignored. */
  @Post(['openai/deployments/:model/chat/completions', 'engines/:model/chat/completions'])
  createForDeployment(
    @Param('model') model: string,
    @JsonBody() body: unknown,
    @Req() req: GatewayRequest,
    @Res() res: GatewayResponse,
  ): Promise<void> {
    return this.complete(withPathModel(body, model), req, res);
  }

  private complete(body: unknown, req: GatewayRequest, res: GatewayResponse): Promise<void> {
    if (hasHostedTools(body)) return this.hostedTools.run(body, req, res);
    return this.inference.run(CHAT_OPERATION, body, req, res);
  }
}
