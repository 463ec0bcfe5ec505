import type { Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { GatewayRequest } from '../http/gateway-request';
import { OVERHEAD_HEADER, overheadHeaderValue } from '../http/request-timing';
import { requestLogFields } from '../logging/request-log-fields';
import type { GatewayException } from './gateway.exception';

/**
 * What every exception filter does before rendering an error: notes the failure on the request
 * (the access log and the request metrics read it), adds the overhead header, and logs server-side
 * failures. Client errors are not logged here: the access log line has their status and code.
 */
export function reportFailure(
  logger: Logger,
  req: GatewayRequest,
  res: ServerResponse,
  error: GatewayException,
): void {
  req.failure = { status: error.status, code: error.code };
  if (!res.headersSent) {
    const overhead = overheadHeaderValue(req);
    if (overhead !== undefined) res.setHeader(OVERHEAD_HEADER, overhead);
  }
  if (error.status < 500) return;
  logger.warn(
    {
      ...requestLogFields(req),
      method: req.method,
      path: (req.url ?? '/').split('?')[0],
      status: error.status,
      code: error.code,
    },
    'request failed',
  );
}
