import type { Type } from '@nestjs/common';
import { LitellmMcpServerController } from './litellm-mcp-server.controller';
import { McpServerStatusController } from './mcp-server-status.controller';
import { McpServersController } from './mcp-servers.controller';

export * from './mcp-server-admin.service';
export * from './mcp-server-health.service';
export * from './mcp-registry.document';
export { McpServersController, McpServerStatusController, LitellmMcpServerController };

/**
 * Server management and health controllers (their services are in `MCP_REGISTRY_PROVIDERS`). `LitellmMcpServerController` declares
 * `GET /v1/mcp/server/health` before `GET /v1/mcp/server/:id` itself.
 */
export const MCP_REGISTRY_CONTROLLERS: Type[] = [
  McpServersController,
  McpServerStatusController,
  LitellmMcpServerController,
];
