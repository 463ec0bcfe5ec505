import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { JsonBody, ModelScoped, type GatewayRequest, type GatewayResponse } from '@routeiq/common';
import { InferenceService } from '../inference.service';
import { ResponsesException } from './responses.exception';
import { RESPONSES_OPERATION } from './responses.operation';

/** OpenAI's Responses API, served through the same request path as chat completions. */
@Controller()
export class ResponsesController {
  constructor(private readonly inference: InferenceService) {}

  @ModelScoped()
  @Post('v1/responses')
  create(
    @JsonBody() body: unknown,
    @Req() req: GatewayRequest,
    @Res() res: GatewayResponse,
  ): Promise<void> {
    return this.inference.run(RESPONSES_OPERATION, body, req, res);
  }

  /** Stateless gateway (TODO(#4): storage): no response can be fetched back. */
  @Get('v1/responses/:id')
  retrieve(@Param('id') id: string): never {
    throw ResponsesException.responseNotFound(id);
  }
}
