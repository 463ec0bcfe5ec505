import { Global, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { HostedToolProvider } from '@routeiq/common';
import { persistenceConfig } from '@routeiq/persistence';
import { SecurityModule } from '@routeiq/security';
import { MCP_CHAT_PROVIDERS } from './chat';
import { MCP_INVOCATION_PROVIDERS } from './invocation';
import { mcpConfig, mcpConfigProvider } from './mcp.config';
import { MCP_REGISTRY_PROVIDERS } from './registry';
import { MCP_REGISTRY_CONTROLLERS } from './rest';
import { MCP_TOOLS_CONTROLLERS } from './rest/mcp-tools.index';
import {
  MCP_ENDPOINT_PATHS,
  MCP_ROUTE_PATHS,
  MCP_SERVER_CONTROLLERS,
  MCP_SERVER_PROVIDERS,
  McpGatewayEnabledMiddleware,
  McpOriginMiddleware,
} from './server';
import { MCP_UPSTREAM_PROVIDERS } from './upstream';

/**
 * The MCP gateway: the registry of upstream servers and its REST API, the upstream MCP clients,
 * the gateway's own MCP endpoint (`/mcp`), and chat-completion tool use (`HostedToolProvider`,
 * exported globally for inference). Every route answers 404 `mcp_gateway_disabled` while
 * `MCP_GATEWAY_ENABLED` is off.
 */
@Global()
@Module({
  imports: [
    ConfigModule.forFeature(mcpConfig),
    ConfigModule.forFeature(persistenceConfig),
    SecurityModule,
  ],
  controllers: [...MCP_REGISTRY_CONTROLLERS, ...MCP_TOOLS_CONTROLLERS, ...MCP_SERVER_CONTROLLERS],
  providers: [
    mcpConfigProvider,
    ...MCP_REGISTRY_PROVIDERS,
    ...MCP_UPSTREAM_PROVIDERS,
    ...MCP_INVOCATION_PROVIDERS,
    ...MCP_SERVER_PROVIDERS,
    ...MCP_CHAT_PROVIDERS,
  ],
  exports: [HostedToolProvider],
})
export class McpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(McpGatewayEnabledMiddleware).forRoutes(...MCP_ROUTE_PATHS);
    consumer.apply(McpOriginMiddleware).forRoutes(...MCP_ENDPOINT_PATHS);
  }
}
