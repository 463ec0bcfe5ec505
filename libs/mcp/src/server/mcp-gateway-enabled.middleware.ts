import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { GatewayRequest, GatewayResponse } from '@routeiq/common';
import { McpConfig } from '../mcp.config';
import { McpException } from '../mcp.exception';

/** Every route of the MCP gateway (REST management and the client endpoint), for `forRoutes`. */
export const MCP_ROUTE_PATHS: readonly string[] = [
  'mcp',
  'mcp/*path',
  'llmrouter/mcp/*path',
  'v1/llmrouter/mcp/*path',
  'v1/mcp/*path',
  'mcp-rest/*path',
];

/**
 * 404 `mcp_gateway_disabled` on every MCP route while `MCP_GATEWAY_ENABLED` is off. A middleware,
 * so it answers before the global auth guard: a disabled gateway does not reveal which keys work.
 * Its exception is rendered by the global filter like any other.
 */
@Injectable()
export class McpGatewayEnabledMiddleware implements NestMiddleware {
  constructor(private readonly config: McpConfig) {}

  use(_req: GatewayRequest, _res: GatewayResponse, next: (error?: unknown) => void): void {
    if (!this.config.enabled) throw McpException.gatewayDisabled();
    next();
  }
}
