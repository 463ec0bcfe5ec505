import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { GatewayRequest } from '../http/gateway-request';

export const AUDITED_METADATA = 'routeiq:audited';

export interface AuditedRoute {
  /** e.g. `key.generate`, `config.reload`. */
  readonly action: string;
  /** e.g. `key`, `team`, `config`. */
  readonly resourceType: string;
}

/**
 * Port the security lib implements (provided globally): records one control-plane action around
 * its handler.
 */
export abstract class ControlPlaneAuditor {
  abstract around<T>(req: GatewayRequest, route: AuditedRoute, run: () => Promise<T>): Promise<T>;
}

/** Applied by `@Audited()` to the routes it marks, and only to them. */
@Injectable()
export class AuditedRouteInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly auditor: ControlPlaneAuditor,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = this.reflector.get<AuditedRoute | undefined>(
      AUDITED_METADATA,
      context.getHandler(),
    );
    if (!route) return next.handle();
    const req = context.switchToHttp().getRequest<GatewayRequest>();
    return from(this.auditor.around(req, route, () => lastValueFrom(next.handle())));
  }
}
