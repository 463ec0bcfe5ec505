import type { Provider } from '@nestjs/common';
import { McpCallTracker } from './mcp-call.tracker';
import { McpOperations } from './mcp-operations';
import { McpOperationsService } from './mcp-operations.service';

export * from './mcp-operations';
export * from './mcp-operations.service';
export { McpAttr, McpCallTracker, TOOL_ERROR, type McpCallStatus } from './mcp-call.tracker';
export { ToolArgumentsValidator } from './tool-arguments.validator';

/** The caller-facing MCP operations (`McpOperations`), for the MCP module. */
export const MCP_INVOCATION_PROVIDERS: Provider[] = [
  McpCallTracker,
  McpOperationsService,
  { provide: McpOperations, useExisting: McpOperationsService },
];
