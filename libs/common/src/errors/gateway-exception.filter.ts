import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { GatewayRequest } from '../http/gateway-request';
import { resolveRequestId } from '../http/request-id';
import { sendError } from '../http/reply';
import { SseWriter } from '../http/sse-writer';
import { reportFailure } from './failure-report';
import type { GatewayException } from './gateway.exception';
import { toGatewayException } from './to-gateway-exception';

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
    const error = toGatewayException(exception, {
      logger: this.logger,
      requestId,
      req,
      message: 'unhandled error',
    });
    reportFailure(this.logger, req, res, error);

    if (res.headersSent) {
      this.failStarted(res, error, requestId);
      return;
    }
    sendError(res, error, requestId);
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
