import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { McpConnection } from '../upstream/mcp-connection.pool';
import {
  qualifiedName,
  type McpPromptEntry,
  type McpResourceEntry,
  type McpResourceTemplateEntry,
  type McpToolEntry,
} from './mcp-catalog.types';

/** Everything one server offers, as its list methods answered (every page). */
export interface ServerListing {
  readonly tools: readonly McpToolEntry[];
  readonly resources: readonly McpResourceEntry[];
  readonly resourceTemplates: readonly McpResourceTemplateEntry[];
  readonly prompts: readonly McpPromptEntry[];
}

/** A bound on a cursor loop, should an upstream hand out cursors forever. */
const MAX_PAGES = 100;

interface Named {
  name: string;
  title?: string;
  description?: string;
}

/** Lists what the server declared in its capabilities, following `nextCursor` to the end. */
export async function loadServerListing(
  { client, serverId }: McpConnection,
  options: RequestOptions,
): Promise<ServerListing> {
  const capabilities = client.getServerCapabilities() ?? {};
  const page = (cursor: string | undefined) => (cursor === undefined ? undefined : { cursor });
  const [tools, resources, resourceTemplates, prompts] = await Promise.all([
    capabilities.tools
      ? allPages(
          (cursor) => client.listTools(page(cursor), options),
          (r) => r.tools,
        )
      : [],
    capabilities.resources
      ? allPages(
          (cursor) => client.listResources(page(cursor), options),
          (r) => r.resources,
        )
      : [],
    capabilities.resources
      ? optional(
          allPages(
            (cursor) => client.listResourceTemplates(page(cursor), options),
            (r) => r.resourceTemplates,
          ),
        )
      : [],
    capabilities.prompts
      ? allPages(
          (cursor) => client.listPrompts(page(cursor), options),
          (r) => r.prompts,
        )
      : [],
  ]);
  const named = (item: Named) => ({
    serverId,
    name: item.name,
    qualifiedName: qualifiedName(serverId, item.name),
    ...defined({ title: item.title, description: item.description }),
  });
  return {
    tools: tools.map((tool) => ({
      ...named(tool),
      inputSchema: tool.inputSchema,
      ...defined({ outputSchema: tool.outputSchema, annotations: tool.annotations }),
    })),
    resources: resources.map((r) => ({
      ...named(r),
      uri: r.uri,
      ...defined({ mimeType: r.mimeType }),
    })),
    resourceTemplates: resourceTemplates.map((t) => ({
      ...named(t),
      uriTemplate: t.uriTemplate,
      ...defined({ mimeType: t.mimeType }),
    })),
    prompts: prompts.map((p) => ({
      ...named(p),
      ...defined({ arguments: p.arguments?.map((arg) => ({ ...arg })) }),
    })),
  };
}

async function allPages<P extends { nextCursor?: string }, T>(
  list: (cursor: string | undefined) => Promise<P>,
  items: (page: P) => T[],
): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let count = 0; count < MAX_PAGES; count++) {
    const result = await list(cursor);
    all.push(...items(result));
    cursor = result.nextCursor;
    if (cursor === undefined || seen.has(cursor)) break;
    seen.add(cursor);
  }
  return all;
}

/** Many servers declare resources without implementing templates: that is no failure. */
async function optional<T>(listing: Promise<T[]>): Promise<T[]> {
  try {
    return await listing;
  } catch (err) {
    if (err instanceof McpError && err.code === (ErrorCode.MethodNotFound as number)) return [];
    throw err;
  }
}

function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
