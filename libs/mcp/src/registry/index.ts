import type { Provider } from '@nestjs/common';
import { McpServerDirectory } from '../catalog/mcp-catalog.types';
import { McpServerAdminService } from '../rest/mcp-server-admin.service';
import { McpServerHealthService } from '../rest/mcp-server-health.service';
import { McpConfigServersService } from './mcp-config-servers.service';
import { McpRegistryService } from './mcp-registry.service';

export * from './mcp-config-servers.service';
export * from './mcp-registry.service';
export * from './mcp-server.parser';
export * from './mcp-server.view';

/**
 * The registry (also bound as the `McpServerDirectory` port) and the services behind its REST
 * routes, and the applier of the config file's `mcp_servers`. Needs `McpServerStore`,
 * `CoordinationBus`, `OutboundUrlGuard`, `McpConfig`, `ConfigStore` and `McpUpstream` in scope.
 */
export const MCP_REGISTRY_PROVIDERS: Provider[] = [
  McpRegistryService,
  { provide: McpServerDirectory, useExisting: McpRegistryService },
  McpConfigServersService,
  McpServerAdminService,
  McpServerHealthService,
];
