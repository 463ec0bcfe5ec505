import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import {
  AUDITED_METADATA,
  AuditedRouteInterceptor,
  type AuditedRoute,
} from './audited-route.interceptor';

export { AUDITED_METADATA, type AuditedRoute };

/** How a route is protected. Deny by default: a route without a decorator needs a user key. */
export enum RouteAccess {
  User = 'user',
  Public = 'public',
  Admin = 'admin',
  /** An admin key, or a user key that holds the route's permission. */
  Permission = 'permission',
  /** A user key, unless the operator opened the route (`METRICS_PUBLIC=true`). */
  Metrics = 'metrics',
  /** A user key, or an admin key (which sees everything a route shows). */
  UserOrAdmin = 'user_or_admin',
  /** Open, but a credential that is sent must be valid (user or admin): it scopes the answer. */
  OptionalUserOrAdmin = 'optional_user_or_admin',
}

export const ROUTE_ACCESS_METADATA = 'routeiq:route-access';

/** No credential needed (health probes only). */
export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ROUTE_ACCESS_METADATA, RouteAccess.Public);

/** `GET /metrics`: a user key unless `METRICS_PUBLIC=true` (Prometheus scrapes send a Bearer key). */
export const MetricsAccess = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ROUTE_ACCESS_METADATA, RouteAccess.Metrics);

/**
 * Read and use routes the control plane also needs (the MCP registry and its tools): a user key,
 * or an admin key sent as `X-Admin-API-Key` or as the Bearer token.
 */
export const UserOrAdmin = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ROUTE_ACCESS_METADATA, RouteAccess.UserOrAdmin);

/**
 * Discovery routes: answered without a credential; one that is sent is checked as for
 * `UserOrAdmin` (401 when invalid) and the handler shows what that caller may use.
 */
export const OptionalUserOrAdmin = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ROUTE_ACCESS_METADATA, RouteAccess.OptionalUserOrAdmin);

/** Control plane: needs an admin key (`X-Admin-API-Key` or Bearer). */
export const AdminOnly = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ROUTE_ACCESS_METADATA, RouteAccess.Admin);

export const ROUTE_PERMISSION_METADATA = 'routeiq:route-permission';

/**
 * Control plane, also open to a user key that holds `permission` (e.g. `system.config.reload`).
 * An admin key holds every permission.
 */
export const RequirePermission = (permission: string): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ROUTE_ACCESS_METADATA, RouteAccess.Permission),
    SetMetadata(ROUTE_PERMISSION_METADATA, permission),
  );

/**
 * The route is a control-plane action: the audit interceptor records who did it, to what, and the
 * outcome. The handler names the resource with `noteAuditResource(req, id)`.
 */
export const Audited = (action: string, resourceType: string): MethodDecorator =>
  // A per-route interceptor, not a global one: Nest wraps every handler of a global interceptor
  // in an observable pipeline, which cost the request path a third of its throughput.
  applyDecorators(
    SetMetadata(AUDITED_METADATA, { action, resourceType } satisfies AuditedRoute),
    UseInterceptors(AuditedRouteInterceptor),
  );

export const MODEL_SCOPED_METADATA = 'routeiq:model-scoped';

/**
 * The route names a model in its body (inference): the guard only pre-checks the policy, and the
 * final decision is made once the model is known.
 */
export const ModelScoped = (): MethodDecorator & ClassDecorator =>
  SetMetadata(MODEL_SCOPED_METADATA, true);
