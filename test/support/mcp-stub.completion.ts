import type { Server as McpProtocolServer } from '@modelcontextprotocol/sdk/server/index.js';
import { CompleteRequestSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

/**
 * Completion candidates of a stub MCP server: by ref (a prompt name, or a resource template's
 * URI template) then argument name. Given, the server declares `completions`.
 */
export type McpStubCompletions = Readonly<
  Record<string, Readonly<Record<string, readonly string[]>>>
>;

/**
 * Answers `completion/complete` with the candidates starting with the argument's value, all of
 * them (more than 100 when there are: the MCP spec's cap is the gateway's to apply), and
 * `hasMore: false`. An unknown ref or argument is -32602.
 */
export function serveCompletions(server: McpProtocolServer, completions: McpStubCompletions): void {
  server.setRequestHandler(CompleteRequestSchema, ({ params }) => {
    const { ref, argument } = params;
    const key = ref.type === 'ref/prompt' ? ref.name : ref.uri;
    const candidates = completions[key]?.[argument.name];
    if (!candidates) {
      throw new McpError(ErrorCode.InvalidParams, `No completion for ${key} ${argument.name}`);
    }
    const values = candidates.filter((value) => value.startsWith(argument.value));
    return { completion: { values, total: values.length, hasMore: false } };
  });
}
