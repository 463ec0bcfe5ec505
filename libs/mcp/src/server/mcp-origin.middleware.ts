import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { GatewayRequest, GatewayResponse } from '@routeiq/common';
import { McpConfig } from '../mcp.config';
import { McpErrorCode, McpException } from '../mcp.exception';

/** The client endpoint's routes (`/mcp`, `/mcp/sse`, `/mcp/messages`), for `forRoutes`. */
export const MCP_ENDPOINT_PATHS: readonly string[] = ['mcp', 'mcp/*path'];

/**
 * DNS-rebinding protection of the client endpoint: a request whose `Origin` is neither listed in
 * `MCP_ALLOWED_ORIGINS` nor the gateway's own (its `Host`) is refused with 403 before anything
 * else runs. Requests without `Origin` (non-browser clients) pass.
 */
@Injectable()
export class McpOriginMiddleware implements NestMiddleware {
  constructor(private readonly config: McpConfig) {}

  use(req: GatewayRequest, _res: GatewayResponse, next: (error?: unknown) => void): void {
    const origin = req.headers.origin;
    if (origin !== undefined && !this.allowed(origin, req.headers.host)) {
      throw new McpException({
        status: 403,
        code: McpErrorCode.AccessDenied,
        message: `Origin ${JSON.stringify(origin)} may not use the MCP endpoint`,
      });
    }
    next();
  }

  private allowed(origin: string, host: string | undefined): boolean {
    const normalized = origin.trim().replace(/\/+$/, '').toLowerCase();
    if (this.config.allowedOrigins.some((entry) => entry.toLowerCase() === normalized)) return true;
    return host !== undefined && hostOf(normalized) === host.toLowerCase();
  }
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
