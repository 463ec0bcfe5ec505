import type { A2aAgent, McpServer, McpServerHealth, McpTool } from './api.types';
import { gatewayJson } from './gateway-client';

// The MCP server and A2A agent registries. Reads and tool calls take the admin key too
// (`UserOrAdmin` routes); an admin sees every server and agent.

export const listMcpServers = (signal?: AbortSignal): Promise<{ servers: McpServer[] }> =>
  gatewayJson('/llmrouter/mcp/servers', { auth: 'admin', signal });

export const mcpHealth = (signal?: AbortSignal): Promise<{ servers: McpServerHealth[] }> =>
  gatewayJson('/v1/llmrouter/mcp/server/health', { auth: 'admin', signal });

export const listMcpTools = (signal?: AbortSignal): Promise<{ tools: McpTool[] }> =>
  gatewayJson('/llmrouter/mcp/tools', { auth: 'admin', signal });

export const registerMcpServer = (body: Record<string, unknown>): Promise<McpServer> =>
  gatewayJson('/llmrouter/mcp/servers', { auth: 'admin', method: 'POST', body });

export const removeMcpServer = (id: string): Promise<{ deleted: true }> =>
  gatewayJson(`/llmrouter/mcp/servers/${encodeURIComponent(id)}`, {
    auth: 'admin',
    method: 'DELETE',
  });

export const callMcpTool = (
  toolName: string,
  args: Record<string, unknown>,
): Promise<{ result: Record<string, unknown>; server_id: string; tool_name: string }> =>
  gatewayJson('/llmrouter/mcp/tools/call', {
    auth: 'admin',
    method: 'POST',
    body: { tool_name: toolName, arguments: args },
  });

export const listA2aAgents = (signal?: AbortSignal): Promise<{ agents: A2aAgent[] }> =>
  gatewayJson('/a2a/agents', { auth: 'admin', signal });

export const registerA2aAgent = (body: Record<string, unknown>): Promise<A2aAgent> =>
  gatewayJson('/a2a/agents', { auth: 'admin', method: 'POST', body });

export const removeA2aAgent = (id: string): Promise<{ deleted: true }> =>
  gatewayJson(`/a2a/agents/${encodeURIComponent(id)}`, { auth: 'admin', method: 'DELETE' });

export const agentCard = (id: string, signal?: AbortSignal): Promise<Record<string, unknown>> =>
  gatewayJson(`/a2a/${encodeURIComponent(id)}/.well-known/agent-card.json`, {
    auth: 'admin',
    signal,
  });
