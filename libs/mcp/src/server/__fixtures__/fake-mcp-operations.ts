import { GatewayException, type GatewayRequest } from '@routeiq/common';
import type {
  McpCompletionRequest,
  McpPromptEntry,
  McpResourceEntry,
  McpResourceTemplateEntry,
  McpToolEntry,
} from '../../catalog/mcp-catalog.types';
import { McpOperations, type McpOperationOptions } from '../../invocation/mcp-operations';
import { McpException } from '../../mcp.exception';

export interface RecordedCall {
  readonly operation: 'callTool' | 'readResource' | 'getPrompt' | 'complete';
  readonly keyId: string | undefined;
  readonly target: string;
  readonly args?: unknown;
  readonly options: McpOperationOptions;
}

export const FAKE_TOOLS: McpToolEntry[] = [
  {
    serverId: 'weather',
    name: 'forecast',
    qualifiedName: 'weather.forecast',
    description: 'Forecast for a city',
    inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
  },
];

export const FAKE_RESOURCES: McpResourceEntry[] = [
  { serverId: 'docs', uri: 'file:///readme.md', name: 'readme', qualifiedName: 'docs.readme' },
];

export const FAKE_TEMPLATES: McpResourceTemplateEntry[] = [
  { serverId: 'docs', uriTemplate: 'file:///{path}', name: 'file', qualifiedName: 'docs.file' },
];

export const FAKE_PROMPTS: McpPromptEntry[] = [
  {
    serverId: 'docs',
    name: 'summarize',
    qualifiedName: 'docs.summarize',
    arguments: [{ name: 'topic', required: true }],
  },
];

/**
 * McpOperations for specs of the endpoint: fixed listings, calls recorded. Tool names choose an
 * outcome: `*.missing` → McpException not found, `*.quota` → a 429 GatewayException, `*.boom` →
 * an unexpected Error; anything else echoes its arguments as text.
 */
export class FakeMcpOperations extends McpOperations {
  readonly calls: RecordedCall[] = [];

  async listTools(_req: GatewayRequest): Promise<McpToolEntry[]> {
    return FAKE_TOOLS;
  }

  async listResources(_req: GatewayRequest): Promise<McpResourceEntry[]> {
    return FAKE_RESOURCES;
  }

  async listResourceTemplates(_req: GatewayRequest): Promise<McpResourceTemplateEntry[]> {
    return FAKE_TEMPLATES;
  }

  async listPrompts(_req: GatewayRequest): Promise<McpPromptEntry[]> {
    return FAKE_PROMPTS;
  }

  async callTool(
    req: GatewayRequest,
    qualifiedName: string,
    args: unknown,
    options: McpOperationOptions,
  ): Promise<Record<string, unknown>> {
    this.record('callTool', req, qualifiedName, options, args);
    if (qualifiedName.endsWith('.missing')) throw McpException.toolNotFound(qualifiedName);
    if (qualifiedName.endsWith('.quota')) {
      throw new GatewayException({
        status: 429,
        code: 'quota_exceeded',
        message: 'Quota exceeded',
        headers: { 'retry-after': '7' },
      });
    }
    if (qualifiedName.endsWith('.boom')) throw new Error('db password=hunter2 leaked in a stack');
    return { content: [{ type: 'text', text: JSON.stringify(args) }], isError: false };
  }

  async readResource(
    req: GatewayRequest,
    uri: string,
    options: McpOperationOptions,
  ): Promise<Record<string, unknown>> {
    this.record('readResource', req, uri, options);
    return { contents: [{ uri, text: 'hello' }] };
  }

  async getPrompt(
    req: GatewayRequest,
    qualifiedName: string,
    args: unknown,
    options: McpOperationOptions,
  ): Promise<Record<string, unknown>> {
    this.record('getPrompt', req, qualifiedName, options, args);
    return { messages: [{ role: 'user', content: { type: 'text', text: 'Summarize' } }] };
  }

  async complete(
    req: GatewayRequest,
    request: McpCompletionRequest,
    options: McpOperationOptions,
  ): Promise<Record<string, unknown>> {
    const target = request.ref.type === 'ref/prompt' ? request.ref.name : request.ref.uri;
    this.record('complete', req, target, options, request);
    return { completion: { values: [`${request.argument.value}-done`], hasMore: false } };
  }

  private record(
    operation: RecordedCall['operation'],
    req: GatewayRequest,
    target: string,
    options: McpOperationOptions,
    args?: unknown,
  ): void {
    this.calls.push({ operation, keyId: req.principal?.keyId, target, options, args });
  }
}
