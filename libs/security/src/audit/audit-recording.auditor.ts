import { Injectable } from '@nestjs/common';
import {
  ControlPlaneAuditor,
  GatewayException,
  type AuditedRoute,
  type GatewayRequest,
} from '@routeiq/common';
import { auditContext, type AuditEvent } from './audit-event';
import { AuditService } from './audit.service';

/**
 * Records every route marked `@Audited()`: who, what, on which resource, and the outcome. In
 * fail-closed mode the record is stored before the handler runs (no change without an audit row);
 * otherwise it is buffered after the handler, with the resource the handler noted.
 */
@Injectable()
export class AuditRecordingAuditor extends ControlPlaneAuditor {
  constructor(private readonly audit: AuditService) {
    super();
  }

  async around<T>(req: GatewayRequest, route: AuditedRoute, run: () => Promise<T>): Promise<T> {
    const event = (): AuditEvent => ({
      ...auditContext(req),
      action: route.action,
      resourceType: route.resourceType,
      resourceId: req.audit?.resourceId ?? null,
      ...(req.audit?.metadata && { metadata: req.audit.metadata }),
    });
    if (this.audit.failClosed) return this.audit.guard(event, run);
    try {
      const result = await run();
      this.audit.record(event());
      return result;
    } catch (error) {
      this.audit.record({ ...event(), outcome: 'failure', reason: reasonOf(error) });
      throw error;
    }
  }
}

function reasonOf(error: unknown): string {
  return error instanceof GatewayException ? error.code : 'internal_error';
}
