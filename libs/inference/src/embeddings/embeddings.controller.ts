import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { JsonBody, ModelScoped, type GatewayRequest, type GatewayResponse } from '@routeiq/common';
import { EMBEDDING_OPERATION } from '../inference-operation';
import { InferenceService } from '../inference.service';

@ModelScoped()
@Controller()
export class EmbeddingsController {
  constructor(private readonly inference: InferenceService) {}

  @Post(['v1/embeddings', 'embeddings'])
  create(
    @JsonBody() body: unknown,
    @Req() req: GatewayRequest,
    @Res() res: GatewayResponse,
  ): Promise<void> {
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

/**
 * The body with `model` set from the route. A single path segment: a splat would let
 * `/deployments/x/chat/completions` match `…/:model/completions` too. Group names holding `/`
 * must be URL-encoded (`%2F`) by the client.
 */
function withPathModel(body: unknown, model: string): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return { ...body, model };
}
