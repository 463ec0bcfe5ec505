import type { GatewayRequest } from '../http/gateway-request';

/** An OpenAI function tool the gateway adds to a chat request in place of a hosted tool entry. */
export interface HostedFunctionTool {
  readonly type: 'function';
  readonly function: {
    /** `^[a-zA-Z0-9_-]{1,64}$`, as every provider accepts. */
    readonly name: string;
    readonly description?: string;
    readonly parameters: Record<string, unknown>;
  };
}

/** How the text of a failed call starts (`HostedToolset.execute`): the model reads the failure. */
export const HOSTED_TOOL_ERROR_PREFIX = 'Error: ';

/** The server and the server's own name of one hosted tool. */
export interface HostedToolOrigin {
  readonly server: string;
  readonly tool: string;
}

/** The hosted tools (MCP) one chat request asked for, expanded to function tools. */
export interface HostedToolset {
  /** Replace the request's hosted entries with these. */
  readonly definitions: readonly HostedFunctionTool[];
  /**
   * The gateway may run the model's calls itself (tool invocation enabled and every entry says
   * `require_approval: "never"`); otherwise the tool calls go back to the client as usual.
   */
  readonly executable: boolean;
  /** Model ↔ tool round trips the gateway may run for one request (`MCP_MAX_TOOL_TURNS`). */
  readonly maxTurns: number;
  /** Is `name` (a function the model called) one of this set's tools? */
  owns(name: string): boolean;
  /** Where the function `name` comes from (the Responses API names servers and tools apart). */
  originOf?(name: string): HostedToolOrigin | undefined;
  /**
   * Runs one call and returns the text for the `tool` message. A tool's own failure (bad
   * arguments, `isError`, upstream down) comes back as text the model can read, starting with
   * `HOSTED_TOOL_ERROR_PREFIX`; only a caller
   * problem (access denied, quota) throws a `GatewayException`.
   */
  execute(name: string, argumentsJson: string, signal: AbortSignal): Promise<string>;
  /**
   * The text the model wrote in a turn whose calls the loop is about to run (before those calls),
   * for surfaces that show the whole exchange; not called for a turn without text.
   */
  noteTurnText?(text: string): void;
}

/**
 * Port the MCP lib implements (provided globally): expands `tools: [{ type: "mcp", ... }]` of a
 * chat request. Resolves null when the request names no hosted tools.
 */
export abstract class HostedToolProvider {
  abstract resolve(
    req: GatewayRequest,
    tools: readonly Record<string, unknown>[],
  ): Promise<HostedToolset | null>;
}
