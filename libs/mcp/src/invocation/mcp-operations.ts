import type { GatewayRequest } from '@routeiq/common';
import type {
  McpCompletionRequest,
  McpListingOptions,
  McpPromptEntry,
  McpResourceEntry,
  McpResourceTemplateEntry,
  McpToolEntry,
} from '../catalog/mcp-catalog.types';

/** Where an MCP operation came from (metrics, audit and span attributes). */
export type McpChannel = 'rest' | 'mcp' | 'chat';

export interface McpOperationOptions {
  readonly channel: McpChannel;
  /** Aborted when the client goes away. */
  readonly signal?: AbortSignal;
  /** The client's `Mcp-Session-Id`, when it has one. */
  readonly sessionId?: string;
}

/** What `listTools` lists, and whether a server whose listing failed fails it (`strict`). */
export interface McpToolListOptions extends McpListingOptions {
  /** Only these servers (and of them only those the caller may use); default: every usable one. */
  readonly serverIds?: readonly string[];
}

/**
 * Everything a caller of the MCP gateway can do, for the authenticated caller behind `req`
 * (its key and team's MCP permissions applied). Used by the REST routes, the `/mcp` endpoint and
 * chat-completion tool use alike, so each path gets the same gate, access checks, argument
 * validation, quotas, audit, tracing and metrics.
 */
export abstract class McpOperations {
  /** Tools of the servers this caller may use, filtered by server and key/team tool lists. */
  abstract listTools(req: GatewayRequest, options?: McpToolListOptions): Promise<McpToolEntry[]>;
  abstract listResources(req: GatewayRequest): Promise<McpResourceEntry[]>;
  abstract listResourceTemplates(req: GatewayRequest): Promise<McpResourceTemplateEntry[]>;
  abstract listPrompts(req: GatewayRequest): Promise<McpPromptEntry[]>;

  /**
   * Calls `{serverId}.{tool}`. In order: invocation gate (501 `tool_invocation_disabled`), tool
   * lookup (404), access (403 `mcp_access_denied`), argument validation against the tool's
   * input schema (400 `invalid_tool_arguments`), budget and quota (429), then the upstream call
   * under a span, with an audit record and metrics either way. Resolves to the upstream's
   * `CallToolResult` (an `isError: true` result is a result, not a throw).
   */
  abstract callTool(
    req: GatewayRequest,
    qualifiedName: string,
    args: unknown,
    options: McpOperationOptions,
  ): Promise<Record<string, unknown>>;

  /** `resources/read` on the server that lists `uri` (access checked). */
  abstract readResource(
    req: GatewayRequest,
    uri: string,
    options: McpOperationOptions,
  ): Promise<Record<string, unknown>>;

  /** `prompts/get` of `{serverId}.{prompt}` (access checked). */
  abstract getPrompt(
    req: GatewayRequest,
    qualifiedName: string,
    args: unknown,
    options: McpOperationOptions,
  ): Promise<Record<string, unknown>>;

  /**
   * `completion/complete`, forwarded to the server owning the ref: a `ref/prompt` names the
   * prompt `{serverId}.{prompt}` (looked up and access-checked as by `getPrompt`), a `ref/resource`
   * a resource template's text or a URI (found as by `readResource`). Unknown refs throw as those
   * do; an upstream without the `completions` capability, failing or timing out answers
   * `{ completion: { values: [], hasMore: false } }`. At most 100 values.
   */
  abstract complete(
    req: GatewayRequest,
    request: McpCompletionRequest,
    options: McpOperationOptions,
  ): Promise<Record<string, unknown>>;
}
