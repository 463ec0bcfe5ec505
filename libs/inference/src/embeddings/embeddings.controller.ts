import { Controller, Post, Req, Res } from '@nestjs/common';
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
}
