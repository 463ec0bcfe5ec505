import type { Provider } from '@nestjs/common';
import { HostedToolProvider } from '@routeiq/common';
import { McpHostedToolProvider } from './mcp-hosted-tool.provider';

export { McpHostedToolProvider } from './mcp-hosted-tool.provider';
export { McpHostedToolset, type McpToolInvoker } from './mcp-hosted-toolset';
export { functionNames, FUNCTION_NAME_PATTERN } from './hosted-tool-names';

/**
 * Chat-completion tool use: binds the `HostedToolProvider` port inference injects. The module
 * that lists these must also provide `McpConfig`, `McpOperations` and `McpServerDirectory`, and
 * export `HostedToolProvider` globally.
 */
export const MCP_CHAT_PROVIDERS: Provider[] = [
  McpHostedToolProvider,
  { provide: HostedToolProvider, useExisting: McpHostedToolProvider },
];
