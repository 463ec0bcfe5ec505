import { SetMetadata } from '@nestjs/common';

export const DIRECT_ROUTE_METADATA = 'routeiq:direct-route';

/**
 * The handler is served on the raw Node server, ahead of Express, for its exact static paths (the
 * gateway's direct-route dispatcher): the global guards and filters still run, Express's router
 * and request/response decoration do not. Only for handlers that take `@Req()` and `@Res()` and
 * carry no route-level guard, interceptor, pipe or filter; the dispatcher refuses others at boot.
 */
export const DirectRoute = (): MethodDecorator => SetMetadata(DIRECT_ROUTE_METADATA, true);
