import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { GatewayRequest } from '../http/gateway-request';
import type { AuditedRoute } from './route-access.decorator';

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
    // Metadata key duplicated as a literal to avoid an import cycle with the decorator file.
    const route = this.reflector.get<AuditedRoute | undefined>(
      'routeiq:audited',
      context.getHandler(),
    );
    if (!route) return next.handle();
    const req = context.switchToHttp().getRequest<GatewayRequest>();
    return from(this.auditor.around(req, route, () => lastValueFrom(next.handle())));
  }
}
