import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ROUTE_ACCESS_METADATA,
  RouteAccess,
  type GatewayRequest,
  type Principal,
} from '@routeiq/common';
import { AdminKeyService } from './admin-key.service';
import { bearerToken } from './bearer-token';
import { digestKey, keyId } from './key-digest';
import { MasterKeyService } from './master-key.service';
import { SecurityException } from './security.exception';

const ADMIN_HEADER = 'x-admin-api-key';

/**
 * The one global guard. Deny by default: routes need a user key unless marked `@Public()` or
 * `@AdminOnly()`. Route metadata is resolved once per handler and cached.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly accessByHandler = new WeakMap<object, RouteAccess>();

  constructor(
    private readonly reflector: Reflector,
    private readonly masterKey: MasterKeyService,
    private readonly adminKeys: AdminKeyService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<GatewayRequest>();
    switch (this.accessFor(context)) {
      case RouteAccess.Public:
        return true;
      case RouteAccess.Admin:
        req.principal = this.authenticateAdmin(req);
        return true;
      default:
        req.principal = this.authenticateUser(req);
        return true;
    }
  }

  private accessFor(context: ExecutionContext): RouteAccess {
    const handler = context.getHandler();
    let access = this.accessByHandler.get(handler);
    if (access === undefined) {
      access =
        this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS_METADATA, [
          handler,
          context.getClass(),
        ]) ?? RouteAccess.User;
      this.accessByHandler.set(handler, access);
    }
    return access;
  }

  private authenticateUser(req: GatewayRequest): Principal {
    const token = bearerToken(req.headers);
    if (!token) throw SecurityException.missingApiKey();
    if (!this.masterKey.verify(token)) throw SecurityException.invalidApiKey();
    return { kind: 'master', keyId: this.masterKey.id };
  }

  private authenticateAdmin(req: GatewayRequest): Principal {
    if (!this.adminKeys.enforced) return { kind: 'admin', keyId: 'admin-auth-disabled' };
    if (!this.adminKeys.configured) throw SecurityException.controlPlaneNotConfigured();
    const header = req.headers[ADMIN_HEADER];
    const token = (typeof header === 'string' ? header.trim() : '') || bearerToken(req.headers);
    if (!token) throw SecurityException.missingAdminKey();
    if (!this.adminKeys.verify(token)) throw SecurityException.invalidAdminKey();
    return { kind: 'admin', keyId: keyId(digestKey(token)) };
  }
}
