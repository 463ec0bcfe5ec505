import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import {
  DirectRoute,
  JsonBody,
  ModelScoped,
  readJsonBody,
  RequestLimits,
  type GatewayRequest,
  type GatewayResponse,
} from '@routeiq/common';
import { EMBEDDING_OPERATION } from '../inference-operation';
import { InferenceService } from '../inference.service';
import { withPathModel } from '../path-model';

@ModelScoped()
@Controller()
export class EmbeddingsController {
  constructor(
    private readonly inference: InferenceService,
    private readonly limits: RequestLimits,
  ) {}

  @DirectRoute()
  @Post(['v1/embeddings', 'embeddings'])
  async create(@Req() req: GatewayRequest, @Res() res: GatewayResponse): Promise<void> {
    const body = await readJsonBody(req, this.limits.maxBodyBytes);
    return this.inference.run(EMBEDDING_OPERATION, body, req, res);
  }

  /** Azure OpenAI SDKs name the model group in the path; `api-version` is accepted and ignored. */
  @Post(['openai/deployments/:model/embeddings', 'engines/:model/embeddings'])
  createForDeployment(
    @Param('model') model: string,
    @JsonBody() body: unknown,
    @Req() req: GatewayRequest,
    @Res() res: GatewayResponse,
  ): Promise<void> {
    return this.inference.run(EMBEDDING_OPERATION, withPathModel(body, model), req, res);
  }
}
