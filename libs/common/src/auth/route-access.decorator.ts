import { SetMetadata } from '@nestjs/common';

/** How a route is protected. Deny by default: a route without a decorator needs a user key. */
export enum RouteAccess {
  User = 'user',
  Public = 'public',
  Admin = 'admin',
}

export const ROUTE_ACCESS_METADATA = 'routeiq:route-access';

/** No credential needed (health probes only). */
export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ROUTE_ACCESS_METADATA, RouteAccess.Public);

/** Control plane: needs an admin key (`X-Admin-API-Key` or Bearer). */
export const AdminOnly = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ROUTE_ACCESS_METADATA, RouteAccess.Admin);
