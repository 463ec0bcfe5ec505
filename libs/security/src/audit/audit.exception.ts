import { GatewayException } from '@routeiq/common';

export enum AuditErrorCode {
  /** `AUDIT_LOG_FAIL_MODE=closed` and the audit record could not be written. */
  Unavailable = 'audit_log_unavailable',
  InvalidQuery = 'invalid_audit_query',
}

export class AuditException extends GatewayException {
  static unavailable(): AuditException {
    return new AuditException({
      status: 503,
      code: AuditErrorCode.Unavailable,
      message: 'The audit log could not be written (AUDIT_LOG_FAIL_MODE=closed)',
    });
  }

  static invalidQuery(param: string, message: string): AuditException {
    return new AuditException({
      status: 400,
      code: AuditErrorCode.InvalidQuery,
      message: `Invalid query parameter "${param}": ${message}`,
      param,
    });
  }
}
