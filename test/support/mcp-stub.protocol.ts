import { Server as McpProtocolServer } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { serveCompletions, type McpStubCompletions } from './mcp-stub.completion';

// The MCP side of McpStubServer (the HTTP side, sessions and recording live there).

export interface McpStubTool {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema: Record<string, unknown>;
  readonly run: (
    args: Record<string, unknown>,
    signal: AbortSignal,
  ) => CallToolResult | Promise<CallToolResult>;
}

export interface McpStubResource {
  readonly uri: string;
  readonly name: string;
  readonly mimeType?: string;
  readonly text: string;
}

export interface McpStubPrompt {
  readonly name: string;
  readonly description?: string;
  readonly arguments?: ReadonlyArray<{ name: string; required?: boolean }>;
  readonly text: (args: Record<string, string>) => string;
}

/** What one stub MCP server offers; `tools` is read live, so tools added later are listed. */
export interface McpStubSpec {
  readonly name: string;
  readonly tools: readonly McpStubTool[];
  readonly resources?: readonly McpStubResource[];
  readonly resourceTemplates?: ReadonlyArray<{ uriTemplate: string; name: string }>;
  readonly prompts?: readonly McpStubPrompt[];
  readonly completions?: McpStubCompletions;
  readonly pageSize?: number;
  /** Called when a tool starts running. */
  readonly onCall: (tool: string) => void;
}

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** `add(a, b)`, `echo(text)`, `slow(ms)` (waits, then answers) and `fail()` (an `isError` result). */
export function mcpStubTools(): McpStubTool[] {
  return [
    {
      name: 'add',
      description: 'Adds two numbers',
      inputSchema: {
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
        required: ['a', 'b'],
      },
      run: ({ a, b }) => {
        if (typeof a !== 'number' || typeof b !== 'number') {
          throw new McpError(ErrorCode.InvalidParams, 'add needs numbers a and b');
        }
        return { ...text(String(a + b)), structuredContent: { sum: a + b } };
      },
    },
    {
      name: 'echo',
      inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
      run: (args) => text(String(args.text)),
    },
    {
      name: 'slow',
      inputSchema: { type: 'object', properties: { ms: { type: 'number' } } },
      run: async (args, signal) => {
        await sleep(typeof args.ms === 'number' ? args.ms : 1000, signal);
        return text('done');
      },
    },
    {
      name: 'fail',
      inputSchema: { type: 'object' },
      run: () => ({ ...text('it broke'), isError: true }),
    },
  ];
}

/** A protocol server (one per session) answering the list, call, read and get methods. */
export function createStubProtocolServer(spec: McpStubSpec): McpProtocolServer {
  const { resources, resourceTemplates, prompts, completions } = spec;
  const server = new McpProtocolServer(
    { name: spec.name, version: '1.0.0' },
    {
      capabilities: {
        tools: { listChanged: true },
        ...((resources || resourceTemplates) && { resources: { listChanged: true } }),
        ...(prompts && { prompts: { listChanged: true } }),
        ...(completions && { completions: {} }),
      },
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, ({ params }) => {
    const page = paginate(spec.tools, params?.cursor, spec.pageSize);
    const tools = page.items.map(({ name, description, inputSchema }) => ({
      name,
      description,
      inputSchema: inputSchema as { type: 'object' },
    }));
    return { tools, ...(page.nextCursor && { nextCursor: page.nextCursor }) };
  });
  server.setRequestHandler(CallToolRequestSchema, ({ params }, extra) => {
    const tool = spec.tools.find((candidate) => candidate.name === params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${params.name}`);
    spec.onCall(tool.name);
    return tool.run(params.arguments ?? {}, extra.signal);
  });
  if (resources || resourceTemplates) serveResources(server, spec);
  if (prompts) servePrompts(server, prompts, spec.pageSize);
  if (completions) serveCompletions(server, completions);
  return server;
}

function serveResources(server: McpProtocolServer, spec: McpStubSpec): void {
  const resources = spec.resources ?? [];
  server.setRequestHandler(ListResourcesRequestSchema, ({ params }) => {
    const page = paginate(resources, params?.cursor, spec.pageSize);
    const items = page.items.map(({ uri, name, mimeType }) => ({ uri, name, mimeType }));
    return { resources: items, ...(page.nextCursor && { nextCursor: page.nextCursor }) };
  });
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [...(spec.resourceTemplates ?? [])],
  }));
  server.setRequestHandler(ReadResourceRequestSchema, ({ params }) => {
    const found = resources.find((resource) => resource.uri === params.uri);
    if (!found) throw new McpError(-32002, `Resource not found: ${params.uri}`);
    return { contents: [{ uri: found.uri, mimeType: found.mimeType, text: found.text }] };
  });
}

function servePrompts(
  server: McpProtocolServer,
  prompts: readonly McpStubPrompt[],
  pageSize: number | undefined,
): void {
  server.setRequestHandler(ListPromptsRequestSchema, ({ params }) => {
    const page = paginate(prompts, params?.cursor, pageSize);
    const items = page.items.map(({ name, description, arguments: args }) => ({
      name,
      description,
      arguments: args?.map((arg) => ({ ...arg })),
    }));
    return { prompts: items, ...(page.nextCursor && { nextCursor: page.nextCursor }) };
  });
  server.setRequestHandler(GetPromptRequestSchema, ({ params }) => {
    const prompt = prompts.find((candidate) => candidate.name === params.name);
    if (!prompt) throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${params.name}`);
    const content = { type: 'text' as const, text: prompt.text(params.arguments ?? {}) };
    return { messages: [{ role: 'user' as const, content }] };
  });
}

function paginate<T>(
  items: readonly T[],
  cursor: string | undefined,
  pageSize: number | undefined,
): { items: T[]; nextCursor?: string } {
  const size = pageSize ?? Number.MAX_SAFE_INTEGER;
  const start = cursor ? Number(cursor) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw new McpError(ErrorCode.InvalidParams, 'bad cursor');
  const end = start + size;
  return {
    items: items.slice(start, end),
    ...(end < items.length && { nextCursor: String(end) }),
  };
}
