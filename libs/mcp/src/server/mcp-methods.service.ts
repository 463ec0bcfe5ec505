import { Injectable } from '@nestjs/common';
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  PingRequestSchema,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { GatewayRequest } from '@routeiq/common';
import type {
  McpPromptEntry,
  McpResourceEntry,
  McpResourceTemplateEntry,
  McpToolEntry,
} from '../catalog/mcp-catalog.types';
import { McpOperations, type McpOperationOptions } from '../invocation/mcp-operations';
import { McpRpcError, type JsonRpcParams } from './json-rpc';
import { McpListPager, type McpSortKeyOf } from './paging/mcp-list.pager';
import { parseParams } from './rpc-params';

/** Who calls, within which session, and the signal that fires when the client goes away. */
export interface McpCallContext {
  readonly req: GatewayRequest;
  readonly sessionId?: string;
  readonly signal?: AbortSignal;
}

type Handler = (params: JsonRpcParams | undefined, ctx: McpCallContext) => Promise<JsonRpcParams>;

/**
 * The feature methods of the gateway's MCP server (tools, resources, prompts, and the small
 * utilities), answered from McpOperations for the calling key. Protocol methods (`initialize`,
 * `server/discover`) are the dispatcher's.
 */
@Injectable()
export class McpMethodsService {
  private readonly handlers: ReadonlyMap<string, Handler> = new Map<string, Handler>([
    ['ping', async (params) => (parseParams(PingRequestSchema, 'ping', params), {})],
    ['tools/list', (params, ctx) => this.listTools(params, ctx)],
    ['tools/call', (params, ctx) => this.callTool(params, ctx)],
    ['resources/list', (params, ctx) => this.listResources(params, ctx)],
    ['resources/templates/list', (params, ctx) => this.listResourceTemplates(params, ctx)],
    ['resources/read', (params, ctx) => this.readResource(params, ctx)],
    ['prompts/list', (params, ctx) => this.listPrompts(params, ctx)],
    ['prompts/get', (params, ctx) => this.getPrompt(params, ctx)],
    ['logging/setLevel', async (params) => this.setLevel(params)],
    ['completion/complete', (params, ctx) => this.complete(params, ctx)],
  ]);

  constructor(
    private readonly operations: McpOperations,
    private readonly pager: McpListPager,
  ) {}

  has(method: string): boolean {
    return this.handlers.has(method);
  }

  /** @throws McpRpcError (unknown method, bad params) or whatever McpOperations throws. */
  call(
    method: string,
    params: JsonRpcParams | undefined,
    ctx: McpCallContext,
  ): Promise<JsonRpcParams> {
    const handler = this.handlers.get(method);
    if (!handler) throw McpRpcError.methodNotFound(method);
    return handler(params, ctx);
  }

  private async listTools(params: JsonRpcParams | undefined, ctx: McpCallContext) {
    const method = 'tools/list';
    const cursor = parseParams(ListToolsRequestSchema, method, params)?.cursor;
    const load = () => this.operations.listTools(ctx.req);
    const page = await this.pager.page({ method, cursor, req: ctx.req }, load, byName);
    return { tools: page.items.map(toolOf), ...nextOf(page) };
  }

  private callTool(params: JsonRpcParams | undefined, ctx: McpCallContext) {
    const { name, arguments: args } = parseParams(CallToolRequestSchema, 'tools/call', params);
    return this.operations.callTool(ctx.req, name, args ?? {}, optionsOf(ctx));
  }

  private async listResources(params: JsonRpcParams | undefined, ctx: McpCallContext) {
    const method = 'resources/list';
    const cursor = parseParams(ListResourcesRequestSchema, method, params)?.cursor;
    const load = () => this.operations.listResources(ctx.req);
    const page = await this.pager.page({ method, cursor, req: ctx.req }, load, byNameThenUri);
    return { resources: page.items.map(resourceOf), ...nextOf(page) };
  }

  private async listResourceTemplates(params: JsonRpcParams | undefined, ctx: McpCallContext) {
    const method = 'resources/templates/list';
    const cursor = parseParams(ListResourceTemplatesRequestSchema, method, params)?.cursor;
    const load = () => this.operations.listResourceTemplates(ctx.req);
    const page = await this.pager.page({ method, cursor, req: ctx.req }, load, byNameThenTemplate);
    return { resourceTemplates: page.items.map(templateOf), ...nextOf(page) };
  }

  private readResource(params: JsonRpcParams | undefined, ctx: McpCallContext) {
    const { uri } = parseParams(ReadResourceRequestSchema, 'resources/read', params);
    return this.operations.readResource(ctx.req, uri, optionsOf(ctx));
  }

  private async listPrompts(params: JsonRpcParams | undefined, ctx: McpCallContext) {
    const method = 'prompts/list';
    const cursor = parseParams(ListPromptsRequestSchema, method, params)?.cursor;
    const load = () => this.operations.listPrompts(ctx.req);
    const page = await this.pager.page({ method, cursor, req: ctx.req }, load, byName);
    return { prompts: page.items.map(promptOf), ...nextOf(page) };
  }

  private getPrompt(params: JsonRpcParams | undefined, ctx: McpCallContext) {
    const { name, arguments: args } = parseParams(GetPromptRequestSchema, 'prompts/get', params);
    return this.operations.getPrompt(ctx.req, name, args ?? {}, optionsOf(ctx));
  }

  // Accepted so clients that set a level work; the gateway sends no log notifications.
  private setLevel(params: JsonRpcParams | undefined): JsonRpcParams {
    parseParams(SetLevelRequestSchema, 'logging/setLevel', params);
    return {};
  }

  private complete(params: JsonRpcParams | undefined, ctx: McpCallContext) {
    const { ref, argument, context } = parseParams(
      CompleteRequestSchema,
      'completion/complete',
      params,
    );
    const request = { ref, argument, ...(context && { context }) };
    return this.operations.complete(ctx.req, request, optionsOf(ctx));
  }
}

function optionsOf(ctx: McpCallContext): McpOperationOptions {
  return {
    channel: 'mcp',
    ...(ctx.signal && { signal: ctx.signal }),
    ...(ctx.sessionId !== undefined && { sessionId: ctx.sessionId }),
  };
}

// Listing order: by server, then name (resources also by URI: their names need not be unique).
const byName: McpSortKeyOf<{ serverId: string; name: string }> = (item) => [
  item.serverId,
  item.name,
];
const byNameThenUri: McpSortKeyOf<McpResourceEntry> = (r) => [r.serverId, r.name, r.uri];
const byNameThenTemplate: McpSortKeyOf<McpResourceTemplateEntry> = (t) => [
  t.serverId,
  t.name,
  t.uriTemplate,
];

function nextOf(page: { readonly nextCursor?: string }): { nextCursor?: string } {
  return page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor };
}

// The names clients see are the namespaced ones; undefined fields vanish in JSON.
function toolOf(tool: McpToolEntry): JsonRpcParams {
  const { qualifiedName, title, description, inputSchema, outputSchema, annotations } = tool;
  return { name: qualifiedName, title, description, inputSchema, outputSchema, annotations };
}

function resourceOf(resource: McpResourceEntry): JsonRpcParams {
  const { uri, qualifiedName, title, description, mimeType } = resource;
  return { uri, name: qualifiedName, title, description, mimeType };
}

function templateOf(template: McpResourceTemplateEntry): JsonRpcParams {
  const { uriTemplate, qualifiedName, title, description, mimeType } = template;
  return { uriTemplate, name: qualifiedName, title, description, mimeType };
}

function promptOf(prompt: McpPromptEntry): JsonRpcParams {
  const { qualifiedName, title, description, arguments: args } = prompt;
  return { name: qualifiedName, title, description, arguments: args };
}
