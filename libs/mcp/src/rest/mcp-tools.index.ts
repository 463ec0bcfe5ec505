import type { Type } from '@nestjs/common';
import { McpToolsCompatController } from './mcp-tools-compat.controller';
import { McpToolsController } from './mcp-tools.controller';

export { McpToolsCompatController, McpToolsController };
export * from './mcp-tools.view';
export { parseToolCallBody, type ToolCallRequest } from './mcp-tools-request';

/** Tool and resource REST routes: `/llmrouter/mcp/tools…`, `/v1/mcp/tools`, `/mcp-rest/tools…`. */
export const MCP_TOOLS_CONTROLLERS: Type[] = [McpToolsController, McpToolsCompatController];
