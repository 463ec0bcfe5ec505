import { Injectable } from '@nestjs/common';
import type { GatewayRequest } from '@routeiq/common';
import { RouterService } from '@routeiq/routing';
import { AdmissionService } from '@routeiq/security';
import { parseCountTokensRequest } from './messages-request.dto';
import { estimateInputTokens } from './token-count.estimator';

/** `POST /v1/messages/count_tokens`: an estimate for a model the caller may use. */
@Injectable()
export class MessagesTokenCounter {
  constructor(
    private readonly router: RouterService,
    private readonly admission: AdmissionService,
  ) {}

  count(body: unknown, req: GatewayRequest): { input_tokens: number } {
    const request = parseCountTokensRequest(body);
    // Unknown model → 404, as on /v1/messages; the picked deployment itself is not needed.
    // TODO(#4): ask an Anthropic deployment's own count_tokens endpoint for the exact number.
    this.router.route(request.model, 'chat');
    this.admission.authorize(req, request.model);
    return { input_tokens: estimateInputTokens(request) };
  }
}
