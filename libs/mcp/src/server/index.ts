import type { Provider, Type } from '@nestjs/common';
import { McpSseTransport } from './legacy-sse.transport';
import { McpController } from './mcp.controller';
import { McpMethodsService } from './mcp-methods.service';
import { McpRequestDispatcher } from './mcp-request.dispatcher';
import { McpSessionStore } from './mcp-session.store';
import { mcpCursorCodecProvider } from './paging/mcp-cursor.codec';
import { McpListPager } from './paging/mcp-list.pager';
import { McpStreamableHttpHandler } from './streamable-http.handler';

export * from './json-rpc';
export * from './mcp-protocol';
export * from './mcp-error.mapper';
export type { McpHttpReply } from './mcp-http.io';
export * from './mcp-session.store';
export * from './mcp-methods.service';
export * from './mcp-request.dispatcher';
export * from './streamable-http.handler';
export * from './legacy-sse.transport';
export * from './mcp.controller';
export * from './mcp-gateway-enabled.middleware';
export * from './mcp-origin.middleware';
export * from './paging/mcp-cursor.codec';
export * from './paging/mcp-list.pager';

/**
 * Providers of the client endpoint. Needs McpOperations, McpConfig, RequestLimits,
 * ExpiringStore, CoordinationBus, ServerConfig and persistenceConfig from the surrounding
 * modules. The module also applies
 * McpGatewayEnabledMiddleware to MCP_ROUTE_PATHS, then McpOriginMiddleware to MCP_ENDPOINT_PATHS.
 */
export const MCP_SERVER_PROVIDERS: Provider[] = [
  McpSessionStore,
  mcpCursorCodecProvider,
  McpListPager,
  McpMethodsService,
  McpRequestDispatcher,
  McpStreamableHttpHandler,
  McpSseTransport,
];

export const MCP_SERVER_CONTROLLERS: Type[] = [McpController];
