import type { Context } from '@opentelemetry/api';
import type { McpServerRecord } from '@routeiq/persistence';

/** Separator between a server id and a tool or prompt name: `{serverId}.{name}`. */
export const NAMESPACE_SEPARATOR = '.';

/** `{serverId}.{name}`. */
export function qualifiedName(serverId: string, name: string): string {
  return `${serverId}${NAMESPACE_SEPARATOR}${name}`;
}

/** Splits `{serverId}.{name}` at the first separator; undefined when there is none. */
export function splitQualifiedName(
  qualified: string,
): { serverId: string; name: string } | undefined {
  const at = qualified.indexOf(NAMESPACE_SEPARATOR);
  if (at <= 0 || at === qualified.length - 1) return undefined;
  return { serverId: qualified.slice(0, at), name: qualified.slice(at + 1) };
}

/** A tool discovered on an upstream server (its `tools/list` entry, plus where it lives). */
export interface McpToolEntry {
  readonly serverId: string;
  /** The upstream's own name. */
  readonly name: string;
  /** `{serverId}.{name}`: the name clients of the gateway see. */
  readonly qualifiedName: string;
  readonly title?: string;
  readonly description?: string;
  /** JSON Schema of the arguments (`{ type: "object", ... }`). */
  readonly inputSchema: Record<string, unknown>;
  readonly outputSchema?: Record<string, unknown>;
  readonly annotations?: Record<string, unknown>;
}

/** A resource discovered on an upstream server. Its `uri` is the upstream's, unchanged. */
export interface McpResourceEntry {
  readonly serverId: string;
  readonly uri: string;
  readonly name: string;
  /** `{serverId}.{name}`. */
  readonly qualifiedName: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
}

export interface McpResourceTemplateEntry {
  readonly serverId: string;
  readonly uriTemplate: string;
  readonly name: string;
  readonly qualifiedName: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
}

export interface McpPromptEntry {
  readonly serverId: string;
  readonly name: string;
  /** `{serverId}.{name}`. */
  readonly qualifiedName: string;
  readonly title?: string;
  readonly description?: string;
  readonly arguments?: ReadonlyArray<{
    readonly name: string;
    readonly description?: string;
    readonly required?: boolean;
  }>;
}

/** `completion/complete` params as sent upstream: the ref names the upstream's own prompt or URI. */
export interface McpCompletionRequest {
  readonly ref:
    | { readonly type: 'ref/prompt'; readonly name: string }
    | { readonly type: 'ref/resource'; readonly uri: string };
  readonly argument: { readonly name: string; readonly value: string };
  readonly context?: { readonly arguments?: Readonly<Record<string, string>> };
}

/** Result of a real probe of one upstream server. */
export interface McpServerHealth {
  readonly serverId: string;
  readonly status: 'healthy' | 'unhealthy' | 'disabled';
  /** Round trip of the probe (connect if needed, then `ping`). */
  readonly latencyMs: number | null;
  /** Tools discovered at the last successful listing. */
  readonly toolCount: number | null;
  /** Protocol version the upstream negotiated. */
  readonly protocolVersion: string | null;
  readonly serverInfo: { readonly name: string; readonly version: string } | null;
  /** Short, secret-free reason when unhealthy. */
  readonly error: string | null;
  readonly checkedAt: string;
}

/** Per-call options for anything sent upstream. */
export interface McpCallOptions {
  /** Aborted when the client goes away. */
  readonly signal?: AbortSignal;
  /** Defaults to the server's `timeoutMs`, else `MCP_TOOL_CALL_TIMEOUT_MS`. */
  readonly timeoutMs?: number;
  /** Trace context of the caller's span: its `traceparent` goes upstream (HTTP header and `_meta`). */
  readonly trace?: Context;
}

/**
 * The registered servers as this replica knows them right now (loaded from the database at
 * start, kept current by the registry's bus messages). Implemented by the registry.
 */
export abstract class McpServerDirectory {
  /** Every registered server, enabled or not, ordered by id. */
  abstract list(): readonly McpServerRecord[];
  abstract get(serverId: string): McpServerRecord | undefined;
  /** Called with the ids of servers that were added, changed or removed (on any replica). */
  abstract onChange(listener: (serverIds: readonly string[]) => void): () => void;
}

/** How a catalog listing treats a server whose listing failed. */
export interface McpListingOptions {
  /**
   * Reject instead of leaving the server out: with McpException `listingFailed` (502
   * `mcp_upstream_error`) naming the first such server by id. For callers that must not go on
   * with part of what they asked for (chat-completion tool expansion).
   */
  readonly strict?: boolean;
}

/**
 * What the upstream servers offer, discovered by listing them (all pages), cached per server for
 * `MCP_DISCOVERY_TTL_SECONDS` and dropped on `notifications/*\/list_changed` or a registry change.
 * Only enabled servers; a server whose listing fails is left out (and reported by `health`)
 * unless the listing is `strict`. `allowedTools` of the server record is applied here.
 */
export abstract class McpCatalog {
  abstract tools(
    serverIds?: readonly string[],
    options?: McpListingOptions,
  ): Promise<McpToolEntry[]>;
  /** By `{serverId}.{name}`; undefined when the server or tool does not exist. */
  abstract findTool(qualifiedName: string): Promise<McpToolEntry | undefined>;
  abstract resources(serverIds?: readonly string[]): Promise<McpResourceEntry[]>;
  abstract resourceTemplates(serverIds?: readonly string[]): Promise<McpResourceTemplateEntry[]>;
  abstract prompts(serverIds?: readonly string[]): Promise<McpPromptEntry[]>;
  /** Drops cached listings (all servers when no ids are given). */
  abstract invalidate(serverIds?: readonly string[]): void;
}

/** Calls on upstream servers, in MCP JSON-RPC through the official SDK client. */
export abstract class McpUpstream {
  /**
   * `tools/call`. Resolves to the upstream's `CallToolResult` as sent (content, structuredContent,
   * isError). @throws McpException `mcp_upstream_error` / `mcp_upstream_timeout` /
   * `mcp_server_not_found` / `mcp_server_disabled`; an OutboundException when the SSRF guard refuses.
   */
  abstract callTool(
    serverId: string,
    name: string,
    args: Record<string, unknown>,
    options?: McpCallOptions,
  ): Promise<Record<string, unknown>>;
  /** `resources/read`: the upstream's `ReadResourceResult`. */
  abstract readResource(
    serverId: string,
    uri: string,
    options?: McpCallOptions,
  ): Promise<Record<string, unknown>>;
  /** `prompts/get`: the upstream's `GetPromptResult`. */
  abstract getPrompt(
    serverId: string,
    name: string,
    args: Record<string, string>,
    options?: McpCallOptions,
  ): Promise<Record<string, unknown>>;
  /**
   * `completion/complete`: the upstream's `CompleteResult` as sent (`completion.values` not yet
   * capped), or null without a request when the server does not declare `completions`.
   */
  abstract complete(
    serverId: string,
    request: McpCompletionRequest,
    options?: McpCallOptions,
  ): Promise<Record<string, unknown> | null>;
  /** A real probe: connect (if not connected) and `ping`; never throws. */
  abstract probe(serverId: string): Promise<McpServerHealth>;
}
