import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import {
  reportFailure,
  resolveRequestId,
  sendJson,
  toGatewayException,
  type GatewayRequest,
} from '@routeiq/common';
import { anthropicErrorBody } from './anthropic-error.mapper';
import { errorFrame } from './anthropic-sse.writer';

/**
 * The Anthropic surface's errors in Anthropic's shape, `{ type: 'error', error: { type, message } }`
 * (the Anthropic SDKs read `error.type`): everything the global filter does — auth, body, policy,
 * quota, routing and upstream failures — but rendered for `/v1/messages`.
 */
@Catch()
export class AnthropicErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<GatewayRequest>();
    const res = http.getResponse<ServerResponse>();
    const requestId = req.id ?? resolveRequestId(undefined);
    const error = toGatewayException(exception, {
      logger: this.logger,
      requestId,
      req,
      message: 'unhandled error',
    });
    reportFailure(this.logger, req, res, error);

    if (!res.headersSent) {
      sendJson(res, error.status, anthropicErrorBody(error, requestId), error.headers);
      return;
    }
    const contentType = res.getHeader('content-type');
    if (typeof contentType === 'string' && contentType.startsWith('text/event-stream')) {
      if (!res.writableEnded) res.end(errorFrame(error, requestId));
      return;
    }
    res.destroy();
  }
}
