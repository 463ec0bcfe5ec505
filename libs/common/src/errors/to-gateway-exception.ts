import { HttpException, type Logger } from '@nestjs/common';
import type { GatewayRequest } from '../http/gateway-request';
import { scrubSecrets } from '../logging/redact';
import { requestLogFields } from '../logging/request-log-fields';
import { CommonErrorCode, CommonException } from './common.exception';
import { GatewayException, errorTypeForStatus } from './gateway.exception';

/** Where an unknown error was caught, and what its log line says. */
export interface UnknownErrorReport {
  readonly logger: Logger;
  readonly requestId: string;
  /** The request, for its ids on the log line; the request id alone without it. */
  readonly req?: GatewayRequest;
  /** The log line's message. */
  readonly message: string;
}

/**
 * Any error as a GatewayException, the one rule every error renderer follows: a GatewayException
 * as is; Nest's HttpException with its status (a 404 is `route_not_found` for the request's
 * path, a 5xx says nothing of its cause); anything else is logged with its stack, secrets
 * scrubbed, and becomes a sanitised 500 naming the request id.
 */
export function toGatewayException(error: unknown, report: UnknownErrorReport): GatewayException {
  if (error instanceof GatewayException) return error;
  if (error instanceof HttpException) return fromHttpException(error, report.req);
  const { logger, requestId, req } = report;
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const fields = req ? requestLogFields(req) : { request_id: requestId };
  logger.error({ ...fields, err: scrubSecrets(detail) }, report.message);
  return new CommonException({
    status: 500,
    code: CommonErrorCode.Internal,
    type: 'server_error',
    message: `Internal server error (request id ${requestId})`,
  });
}

function fromHttpException(
  error: HttpException,
  req: GatewayRequest | undefined,
): GatewayException {
  const status = error.getStatus();
  if (status === 404 && req) {
    return CommonException.routeNotFound(
      req.method ?? 'GET',
      (req.path ?? req.url ?? '/').split('?')[0]!,
    );
  }
  return new CommonException({
    status,
    code: status >= 500 ? CommonErrorCode.Internal : CommonErrorCode.InvalidRequest,
    type: errorTypeForStatus(status),
    message: status >= 500 ? 'Internal server error' : error.message,
  });
}
