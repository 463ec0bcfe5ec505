import { CommonException, type HostedToolset } from '@routeiq/common';
import type { ChatCompletionRequest } from '@routeiq/providers';

/** The `type` of a hosted tool entry (OpenAI Responses / LiteLLM MCP tools). */
export const HOSTED_TOOL_TYPE = 'mcp';

/**
 * Whether a chat body names hosted (MCP) tools: one property read for a body without `tools`, a
 * short scan otherwise. Runs on every chat request, before anything else.
 */
export function hasHostedTools(body: unknown): boolean {
  const tools = (body as { tools?: unknown } | null | undefined)?.tools;
  if (!Array.isArray(tools)) return false;
  for (const tool of tools) {
    if ((tool as { type?: unknown } | null)?.type === HOSTED_TOOL_TYPE) return true;
  }
  return false;
}

/** Position of the first hosted entry, for error params (-1 when there is none). */
export function firstHostedIndex(tools: readonly unknown[]): number {
  return tools.findIndex((tool) => (tool as { type?: unknown } | null)?.type === HOSTED_TOOL_TYPE);
}

/**
 * The request's tools with the hosted entries replaced by the toolset's function definitions
 * (where the first hosted entry was). @throws 400 when a client function has the name of one of
 * the gateway's, since the gateway could not tell their calls apart.
 */
export function expandTools(tools: readonly unknown[], toolset: HostedToolset): unknown[] {
  const expanded: unknown[] = [];
  let placed = false;
  tools.forEach((tool, i) => {
    if ((tool as { type?: unknown }).type !== HOSTED_TOOL_TYPE) {
      refuseClash(tool, i, toolset);
      expanded.push(tool);
    } else if (!placed) {
      expanded.push(...toolset.definitions);
      placed = true;
    }
  });
  return expanded;
}

function refuseClash(tool: unknown, index: number, toolset: HostedToolset): void {
  const name = (tool as { function?: { name?: unknown } }).function?.name;
  if (typeof name === 'string' && toolset.owns(name)) {
    const param = `tools[${index}].function.name`;
    throw CommonException.invalidRequest(
      `"${param}" is the name the gateway gives an MCP tool of this request: rename the function`,
      param,
    );
  }
}

/**
 * `body` with `tools` set; with no tool left, `tools` and the fields that need tools are dropped
 * (providers refuse an empty `tools` or a `tool_choice` without tools).
 */
export function withTools<T extends object>(body: T, tools: unknown[]): T {
  if (tools.length > 0) return { ...body, tools };
  const {
    tools: _tools,
    tool_choice: _choice,
    parallel_tool_calls: _parallel,
    ...rest
  } = body as Record<string, unknown>;
  return rest as T;
}

/** The request as each loop turn sends it: never streamed (the loop reads whole answers). */
export function turnRequest(request: ChatCompletionRequest): ChatCompletionRequest {
  const { stream: _stream, stream_options: _options, ...turn } = request;
  return turn;
}
