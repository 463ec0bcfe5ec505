import { Controller, Delete, Get, Param, Post, Req, Res } from '@nestjs/common';
import {
  DirectRoute,
  ModelScoped,
  readJsonBody,
  RequestLimits,
  type GatewayRequest,
  type GatewayResponse,
} from '@routeiq/common';
import { hasHostedTools } from '../chat/hosted-tool-request';
import { InferenceService } from '../inference.service';
import { HostedToolResponses } from './hosted-tool-responses.service';
import { responsesOperation } from './responses.operation';
import { StoredResponsesService } from './stored-responses.service';

/** The caller a stored response belongs to ('' without a key, e.g. auth disabled). */
function ownerOf(req: GatewayRequest): string {
  return req.principal?.keyId ?? '';
}

/** OpenAI's Responses API, served through the same request path as chat completions. */
@Controller()
export class ResponsesController {
  constructor(
    private readonly inference: InferenceService,
    private readonly stored: StoredResponsesService,
    private readonly hostedTools: HostedToolResponses,
    private readonly limits: RequestLimits,
  ) {}

  @ModelScoped()
  @DirectRoute()
  @Post('v1/responses')
  async create(@Req() req: GatewayRequest, @Res() res: GatewayResponse): Promise<void> {
    const body = await readJsonBody(req, this.limits.maxBodyBytes);
    const session = await this.stored.sessionFor(body, ownerOf(req));
    if (hasHostedTools(body)) return this.hostedTools.run(session, body, req, res);
    return this.inference.run(responsesOperation(session), body, req, res);
  }

  @Get('v1/responses/:id')
  retrieve(@Param('id') id: string, @Req() req: GatewayRequest): Promise<object> {
    return this.stored.retrieve(id, ownerOf(req));
  }

  @Delete('v1/responses/:id')
  remove(@Param('id') id: string, @Req() req: GatewayRequest): Promise<object> {
    return this.stored.remove(id, ownerOf(req));
  }
}
