import type { HostedFunctionTool, HostedToolOrigin, HostedToolset } from '@routeiq/common';
import { OutboundException } from '@routeiq/security';
import { McpErrorCode, McpException } from '../mcp.exception';
import { errorText, toolResultText } from './tool-result-text.mapper';

/** Runs `tools/call` for the caller (the gate, access, schema, quota and audit apply). */
export type McpToolInvoker = (
  qualifiedName: string,
  args: Record<string, unknown>,
  signal: AbortSignal,
) => Promise<Record<string, unknown>>;

/** Failures of the tool itself: the model reads them and may try again or answer without. */
const TOOL_FAILURES: ReadonlySet<string> = new Set([
  McpErrorCode.InvalidToolArguments,
  McpErrorCode.ToolNotFound,
  McpErrorCode.ServerNotFound,
  McpErrorCode.ServerDisabled,
  McpErrorCode.UpstreamError,
  McpErrorCode.UpstreamTimeout,
]);

/** The MCP tools of one chat request, under their function names. */
export class McpHostedToolset implements HostedToolset {
  constructor(
    readonly definitions: readonly HostedFunctionTool[],
    readonly executable: boolean,
    readonly maxTurns: number,
    /** Function name → `{serverId}.{tool}`. */
    private readonly names: ReadonlyMap<string, string>,
    private readonly invoke: McpToolInvoker,
  ) {}

  owns(name: string): boolean {
    return this.names.has(name);
  }

  /** The `{serverId}.{tool}` a function name stands for. */
  qualifiedNameOf(name: string): string | undefined {
    return this.names.get(name);
  }

  /** `{serverId}.{tool}` split at the first dot (server ids hold none). */
  originOf(name: string): HostedToolOrigin | undefined {
    const qualified = this.names.get(name);
    const dot = qualified?.indexOf('.') ?? -1;
    if (qualified === undefined || dot < 0) return undefined;
    return { server: qualified.slice(0, dot), tool: qualified.slice(dot + 1) };
  }

  async execute(name: string, argumentsJson: string, signal: AbortSignal): Promise<string> {
    const qualified = this.names.get(name);
    if (qualified === undefined) return errorText(`there is no tool named ${name}`);
    const args = parseArguments(argumentsJson);
    if (typeof args === 'string') return errorText(`${args} (tool ${qualified})`);
    try {
      return toolResultText(await this.invoke(qualified, args, signal));
    } catch (error) {
      return failureText(error, qualified, signal);
    }
  }
}

/** The model's arguments as an object, or why they are not one. */
function parseArguments(json: string): Record<string, unknown> | string {
  if (json.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return 'the arguments are not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'the arguments must be a JSON object';
  }
  return value as Record<string, unknown>;
}

/**
 * A tool's own failure as text for the model; anything about the caller (access denied, quota,
 * invocation disabled) or the client leaving is thrown on, and ends the request.
 */
function failureText(error: unknown, qualified: string, signal: AbortSignal): string {
  if (signal.aborted) throw error;
  if (error instanceof McpException && TOOL_FAILURES.has(error.code)) {
    return errorText(error.message);
  }
  // Its message names the upstream address: the model only learns that the call failed.
  if (error instanceof OutboundException) {
    return errorText(`the MCP server of tool ${JSON.stringify(qualified)} could not be reached`);
  }
  throw error;
}
