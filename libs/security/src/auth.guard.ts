import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  MODEL_SCOPED_METADATA,
  ROUTE_ACCESS_METADATA,
  ROUTE_PERMISSION_METADATA,
  RouteAccess,
  type GatewayRequest,
  type Principal,
} from '@routeiq/common';
import { AdminKeyService } from './admin-key.service';
import { bearerToken, userToken } from './bearer-token';
import { digestKey, keyId } from './key-digest';
import { resolvedKeyOf } from './keys/request-identity';
import { UserKeyAuthenticator } from './keys/user-key.authenticator';
import { PolicyEnforcer } from './policy/policy.enforcer';
import { grants } from './rbac/permission';
import { SecurityConfig } from './security.config';
import { SecurityException } from './security.exception';

const ADMIN_HEADER = 'x-admin-api-key';

interface RouteRule {
  readonly access: RouteAccess;
  readonly permission?: string;
  /** Inference routes: the policy's final decision waits for the model in the body. */
  readonly modelScoped: boolean;
}

/**
 * The one global guard. Deny by default: routes need a user key unless marked `@Public()`,
 * `@AdminOnly()` or `@RequirePermission()`. Route metadata is resolved once per handler and cached;
 * a cached virtual key keeps the whole check synchronous.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly rules = new WeakMap<object, RouteRule>();

  constructor(
    private readonly reflector: Reflector,
    private readonly adminKeys: AdminKeyService,
    private readonly users: UserKeyAuthenticator,
    private readonly policy: PolicyEnforcer,
    private readonly security: SecurityConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const req = context.switchToHttp().getRequest<GatewayRequest>();
    const rule = this.ruleFor(context);
    switch (rule.access) {
      case RouteAccess.Public:
        return true;
      case RouteAccess.Admin:
        return this.admitAdmin(req);
      case RouteAccess.Permission:
        return this.authorizePermission(req, rule.permission ?? '*');
      case RouteAccess.Metrics:
        return this.security.metricsPublic || this.authenticateUser(req, rule);
      case RouteAccess.UserOrAdmin:
        return this.isAdminAttempt(req) ? this.admitAdmin(req) : this.authenticateUser(req, rule);
      case RouteAccess.OptionalUserOrAdmin:
        if (this.isAdminAttempt(req)) return this.admitAdmin(req);
        return userToken(req.headers) === undefined || this.authenticateUser(req, rule);
      default:
        return this.authenticateUser(req, rule);
    }
  }

  private ruleFor(context: ExecutionContext): RouteRule {
    const handler = context.getHandler();
    let rule = this.rules.get(handler);
    if (rule === undefined) {
      const targets = [handler, context.getClass()];
      rule = {
        access:
          this.reflector.getAllAndOverride<RouteAccess | undefined>(
            ROUTE_ACCESS_METADATA,
            targets,
          ) ?? RouteAccess.User,
        permission: this.reflector.getAllAndOverride<string | undefined>(
          ROUTE_PERMISSION_METADATA,
          targets,
        ),
        modelScoped:
          this.reflector.getAllAndOverride<boolean | undefined>(MODEL_SCOPED_METADATA, targets) ===
          true,
      };
      this.rules.set(handler, rule);
    }
    return rule;
  }

  private authenticateUser(req: GatewayRequest, rule: RouteRule): boolean | Promise<boolean> {
    const token = userToken(req.headers);
    if (!token) throw SecurityException.missingApiKey();
    const principal = this.users.authenticate(req, token);
    if (principal instanceof Promise) {
      return principal.then((resolved) => this.admitUser(req, resolved, rule));
    }
    return this.admitUser(req, principal, rule);
  }

  private admitUser(req: GatewayRequest, principal: Principal, rule: RouteRule): boolean {
    req.principal = principal;
    if (rule.modelScoped) this.policy.precheck(req);
    else this.policy.enforce(req);
    return true;
  }

  private admitAdmin(req: GatewayRequest): boolean {
    req.principal = this.authenticateAdmin(req);
    this.policy.enforce(req);
    return true;
  }

  /** An `X-Admin-API-Key` header, or a Bearer token that is an admin key. */
  private isAdminAttempt(req: GatewayRequest): boolean {
    const header = req.headers[ADMIN_HEADER];
    if (typeof header === 'string' && header.trim() !== '') return true;
    const bearer = bearerToken(req.headers);
    return bearer !== undefined && this.adminKeys.configured && this.adminKeys.verify(bearer);
  }

  private authenticateAdmin(req: GatewayRequest): Principal {
    if (!this.adminKeys.enforced) return { kind: 'admin', keyId: 'admin-auth-disabled' };
    if (!this.adminKeys.configured) throw SecurityException.controlPlaneNotConfigured();
    const token = this.adminToken(req);
    if (!token) throw SecurityException.missingAdminKey();
    if (!this.adminKeys.verify(token)) throw SecurityException.invalidAdminKey();
    return { kind: 'admin', keyId: keyId(digestKey(token)) };
  }

  /**
   * An admin key holds every permission. Otherwise a user key (sent as Bearer) must hold the
   * permission: 401 without a valid credential, 403 `permission_denied` with one.
   */
  private async authorizePermission(req: GatewayRequest, permission: string): Promise<boolean> {
    const header = req.headers[ADMIN_HEADER];
    const bearer = bearerToken(req.headers);
    if (!this.adminKeys.enforced || (typeof header === 'string' && header.trim() !== '')) {
      req.principal = this.authenticateAdmin(req);
      this.policy.enforce(req);
      return true;
    }
    if (bearer && this.adminKeys.verify(bearer)) {
      req.principal = { kind: 'admin', keyId: keyId(digestKey(bearer)) };
      this.policy.enforce(req);
      return true;
    }
    if (!bearer) {
      throw this.adminKeys.configured
        ? SecurityException.missingAdminKey()
        : SecurityException.controlPlaneNotConfigured();
    }
    req.principal = await this.users.authenticate(req, bearer);
    const held = resolvedKeyOf(req)?.key.permissions ?? [];
    if (!grants(held, permission)) throw SecurityException.permissionDenied(permission);
    this.policy.enforce(req);
    return true;
  }

  private adminToken(req: GatewayRequest): string | undefined {
    const header = req.headers[ADMIN_HEADER];
    return (typeof header === 'string' ? header.trim() : '') || bearerToken(req.headers);
  }
}
