import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { GatewayRequest } from '../http/gateway-request';
import { resolveRequestId } from '../http/request-id';
import { sendError } from '../http/reply';
import { SseWriter } from '../http/sse-writer';
import { scrubSecrets } from '../logging/redact';
import { requestLogFields } from '../logging/request-log-fields';
import { reportFailure } from './failure-report';
import { CommonErrorCode, CommonException } from './common.exception';
import { GatewayException, errorTypeForStatus } from './gateway.exception';

/**
 * The one global filter: every error leaves as `{ error: { message, type, code, param },
 * request_id }`. Unknown errors become a sanitised 500 and are logged with their stack.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<GatewayRequest>();
    const res = http.getResponse<ServerResponse>();
    const requestId = req.id ?? resolveRequestId(undefined);
    const error = this.toGatewayException(exception, req, requestId);
    reportFailure(this.logger, req, res, error);

    if (res.headersSent) {
      this.failStarted(res, error, requestId);
      return;
    }
    sendError(res, error, requestId);
  }

  private toGatewayException(
    exception: unknown,
    req: GatewayRequest,
    requestId: string,
  ): GatewayException {
    if (exception instanceof GatewayException) return exception;
    if (exception instanceof HttpException) return this.fromHttpException(exception, req);
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

  private fromHttpException(exception: HttpException, req: GatewayRequest): GatewayException {
    const status = exception.getStatus();
    if (status === 404) {
      return CommonException.routeNotFound(
        req.method ?? 'GET',
        (req.path ?? req.url ?? '/').split('?')[0]!,
      );
    }
    return new CommonException({
      status,
      code: status >= 500 ? CommonErrorCode.Internal : CommonErrorCode.InvalidRequest,
      type: errorTypeForStatus(status),
      message: status >= 500 ? 'Internal server error' : exception.message,
    });
  }

  /** Headers are out: an SSE stream ends with an error event, anything else is cut. */
  private failStarted(res: ServerResponse, error: GatewayException, requestId: string): void {
    const contentType = res.getHeader('content-type');
    if (typeof contentType === 'string' && contentType.startsWith('text/event-stream')) {
      new SseWriter(res).fail(error, requestId);
      return;
    }
    res.destroy();
  }
}
