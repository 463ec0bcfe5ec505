export * from './mcp.module';
export * from './mcp.config';
export * from './mcp.exception';
export * from './catalog/mcp-catalog.types';
export * from './invocation/mcp-operations';
