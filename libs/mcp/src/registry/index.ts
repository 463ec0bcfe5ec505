import type { Provider } from '@nestjs/common';
import { McpServerDirectory } from '../catalog/mcp-catalog.types';
import { McpServerAdminService } from '../rest/mcp-server-admin.service';
import { McpServerHealthService } from '../rest/mcp-server-health.service';
import { McpRegistryService } from './mcp-registry.service';

export * from './mcp-registry.service';
export * from './mcp-server.parser';
export * from './mcp-server.view';

/**
 * The registry (also bound as the `McpServerDirectory` port) and the services behind its REST
 * routes. Needs `McpServerStore`, `CoordinationBus`, `OutboundUrlGuard`, `McpConfig` and
 * `McpUpstream` in scope.
 */
export const MCP_REGISTRY_PROVIDERS: Provider[] = [
  McpRegistryService,
  { provide: McpServerDirectory, useExisting: McpRegistryService },
  McpServerAdminService,
  McpServerHealthService,
];
