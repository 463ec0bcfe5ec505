export * from './mcp-server.types';
export * from './mcp-server-id';
export * from './mcp-server.store';
export * from './mcp-server.defaults';
