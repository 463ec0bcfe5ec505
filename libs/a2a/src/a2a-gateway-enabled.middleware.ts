import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { GatewayRequest, GatewayResponse } from '@routeiq/common';
import { A2aConfig } from './a2a.config';
import { A2aException } from './a2a.exception';

/** Every route of the A2A gateway (registry, cards, proxy, seed aliases), for `forRoutes`. */
export const A2A_ROUTE_PATHS: readonly string[] = [
  'a2a',
  'a2a/*path',
  'agents/*path',
  '.well-known/agents/*path',
  '.well-known/agent-card.json',
  '.well-known/agent.json',
];

/**
 * 404 `a2a_gateway_disabled` on every A2A route while `A2A_GATEWAY_ENABLED` is off. A middleware,
 * so it answers before the global auth guard: a disabled gateway does not reveal which keys work.
 */
@Injectable()
export class A2aGatewayEnabledMiddleware implements NestMiddleware {
  constructor(private readonly config: A2aConfig) {}

  use(_req: GatewayRequest, _res: GatewayResponse, next: (error?: unknown) => void): void {
    if (!this.config.enabled) throw A2aException.gatewayDisabled();
    next();
  }
}
