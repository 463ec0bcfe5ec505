import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  AUDITED_METADATA,
  GatewayException,
  type AuditedRoute,
  type GatewayRequest,
} from '@routeiq/common';
import { from, lastValueFrom, tap, type Observable } from 'rxjs';
import { auditContext, type AuditEvent } from './audit-event';
import { AuditService } from './audit.service';

/**
 * Records every route marked `@Audited()`: who, what, on which resource, and the outcome. In
 * fail-closed mode the record is stored before the handler runs (no change without an audit row);
 * otherwise it is buffered after the handler, with the resource the handler noted.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly routes = new WeakMap<object, AuditedRoute | null>();

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = this.routeFor(context);
    if (!route) return next.handle();
    const req = context.switchToHttp().getRequest<GatewayRequest>();
    const event = (): AuditEvent => ({
      ...auditContext(req),
      action: route.action,
      resourceType: route.resourceType,
      resourceId: req.audit?.resourceId ?? null,
      ...(req.audit?.metadata && { metadata: req.audit.metadata }),
    });
    if (this.audit.failClosed) {
      return from(this.audit.guard(event, () => lastValueFrom(next.handle())));
    }
    return next.handle().pipe(
      tap({
        next: () => this.audit.record(event()),
        error: (error: unknown) =>
          this.audit.record({ ...event(), outcome: 'failure', reason: reasonOf(error) }),
      }),
    );
  }

  private routeFor(context: ExecutionContext): AuditedRoute | null {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (route === undefined) {
      route = this.reflector.get<AuditedRoute | undefined>(AUDITED_METADATA, handler) ?? null;
      this.routes.set(handler, route);
    }
    return route;
  }
}

function reasonOf(error: unknown): string {
  return error instanceof GatewayException ? error.code : 'internal_error';
}
