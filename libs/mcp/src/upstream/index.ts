import type { Provider } from '@nestjs/common';
import { McpCatalog, McpUpstream } from '../catalog/mcp-catalog.types';
import { McpCatalogService } from '../catalog/mcp-catalog.service';
import { McpConnectionPool } from './mcp-connection.pool';
import { McpRequestRunner } from './mcp-request.runner';
import { McpTransportFactory } from './mcp-transport.factory';
import { McpUpstreamService } from './mcp-upstream.service';

export { McpCatalogService } from '../catalog/mcp-catalog.service';
export { McpConnectionPool, GATEWAY_CLIENT_INFO, type McpConnection } from './mcp-connection.pool';
export { McpRequestRunner } from './mcp-request.runner';
export { McpTransportFactory, upstreamHeaders } from './mcp-transport.factory';
export { McpUpstreamService } from './mcp-upstream.service';

/**
 * The upstream side of the MCP gateway: `McpCatalog` and `McpUpstream`. Needs `McpServerDirectory`
 * (the registry), `McpConfig`, `SafeOutboundClient` (security) and `GatewayTracer` (observability).
 */
export const MCP_UPSTREAM_PROVIDERS: Provider[] = [
  McpTransportFactory,
  McpConnectionPool,
  McpRequestRunner,
  McpCatalogService,
  McpUpstreamService,
  { provide: McpCatalog, useExisting: McpCatalogService },
  { provide: McpUpstream, useExisting: McpUpstreamService },
];
