import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import {
  CommonErrorCode,
  CommonException,
  GatewayException,
  errorTypeForStatus,
  reportFailure,
  requestLogFields,
  resolveRequestId,
  scrubSecrets,
  sendJson,
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
    const error = this.toGatewayException(exception, req, requestId);
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

  private toGatewayException(
    exception: unknown,
    req: GatewayRequest,
    requestId: string,
  ): GatewayException {
    if (exception instanceof GatewayException) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return new CommonException({
        status,
        code: status >= 500 ? CommonErrorCode.Internal : CommonErrorCode.InvalidRequest,
        type: errorTypeForStatus(status),
        message: status >= 500 ? 'Internal server error' : exception.message,
      });
    }
    const stack =
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
    this.logger.error({ ...requestLogFields(req), err: scrubSecrets(stack) }, 'unhandled error');
    return new CommonException({
      status: 500,
      code: CommonErrorCode.Internal,
      type: 'server_error',
      message: `Internal server error (request id ${requestId})`,
    });
  }
}
