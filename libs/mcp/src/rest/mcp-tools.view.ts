import type { McpResourceEntry, McpToolEntry } from '../catalog/mcp-catalog.types';

/** A tool in the gateway's REST listings: `name` is the namespaced name clients call. */
export interface McpToolView {
  readonly name: string;
  readonly server_id: string;
  /** The upstream's own name. */
  readonly tool_name: string;
  readonly title?: string;
  readonly description: string;
  readonly input_schema: Record<string, unknown>;
  readonly output_schema?: Record<string, unknown>;
  readonly annotations?: Record<string, unknown>;
}

export function toolView(entry: McpToolEntry): McpToolView {
  return {
    name: entry.qualifiedName,
    server_id: entry.serverId,
    tool_name: entry.name,
    ...(entry.title !== undefined && { title: entry.title }),
    description: entry.description ?? '',
    input_schema: entry.inputSchema,
    ...(entry.outputSchema !== undefined && { output_schema: entry.outputSchema }),
    ...(entry.annotations !== undefined && { annotations: entry.annotations }),
  };
}

export function toolsListView(entries: readonly McpToolEntry[]): {
  tools: McpToolView[];
  total_count: number;
} {
  return { tools: entries.map(toolView), total_count: entries.length };
}

export interface McpResourceView {
  readonly uri: string;
  readonly name: string;
  readonly server_id: string;
  readonly title?: string;
  readonly description?: string;
  readonly mime_type?: string;
}

export function resourcesListView(entries: readonly McpResourceEntry[]): {
  resources: McpResourceView[];
  total_count: number;
} {
  const resources = entries.map((entry) => ({
    uri: entry.uri,
    name: entry.name,
    server_id: entry.serverId,
    ...(entry.title !== undefined && { title: entry.title }),
    ...(entry.description !== undefined && { description: entry.description }),
    ...(entry.mimeType !== undefined && { mime_type: entry.mimeType }),
  }));
  return { resources, total_count: resources.length };
}

/** LiteLLM's `ListMCPToolsRestAPIResponseObject` (`/v1/mcp/tools`, `/mcp-rest/tools/list`). */
export interface LiteLlmToolView {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
  readonly mcp_info: { readonly server_name: string; readonly server_id: string };
}

export function liteLlmToolView(entry: McpToolEntry): LiteLlmToolView {
  return {
    name: entry.qualifiedName,
    description: entry.description ?? '',
    inputSchema: entry.inputSchema,
    mcp_info: { server_name: entry.serverId, server_id: entry.serverId },
  };
}
