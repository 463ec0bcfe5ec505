import { CommonException, type HostedToolset } from '@routeiq/common';
import type { ChatCompletion } from '@routeiq/providers';
import type { HostedCallRecord, HostedTurnText, RecordingToolset } from '../chat/recording-toolset';
import { newItemId, toResponsesResponse } from './responses-response.mapper';
import type {
  ResponsesFunctionTool,
  ResponsesMcpCall,
  ResponsesOutputMessage,
  ResponsesMcpListTools,
  ResponsesRequest,
  ResponsesResponse,
  ResponsesTool,
} from './responses.types';

/** The calls the loop ran as Responses `mcp_call` items, in the order the model asked for them. */
export function mcpCallItems(calls: readonly HostedCallRecord[]): ResponsesMcpCall[] {
  return calls.map(({ origin, argumentsJson, text, failed }) => ({
    type: 'mcp_call',
    id: newItemId('mcp'),
    server_label: origin.server,
    name: origin.tool,
    arguments: argumentsJson,
    output: failed ? null : (text ?? null),
    error: failed ? (text ?? null) : null,
    status: text === undefined ? 'in_progress' : failed ? 'failed' : 'completed',
  }));
}

/** One `mcp_list_tools` item per server, in the order the toolset lists their tools. */
export function mcpListItems(toolset: HostedToolset): ResponsesMcpListTools[] {
  const byServer = new Map<string, ResponsesMcpListTools>();
  for (const { function: fn } of toolset.definitions) {
    const origin = toolset.originOf?.(fn.name) ?? { server: '', tool: fn.name };
    let item = byServer.get(origin.server);
    if (!item) {
      item = {
        type: 'mcp_list_tools',
        id: newItemId('mcpl'),
        server_label: origin.server,
        tools: [],
        error: null,
      };
      byServer.set(origin.server, item);
    }
    const description = fn.description ?? null;
    item.tools.push({ name: origin.tool, description, input_schema: fn.parameters });
  }
  return [...byServer.values()];
}

/**
 * What the loop ran, in order: each tool turn's text as an assistant `message` item, then that
 * turn's calls as `mcp_call` items.
 */
export function mcpExchangeItems(
  items: readonly (HostedTurnText | HostedCallRecord)[],
): (ResponsesOutputMessage | ResponsesMcpCall)[] {
  return items.map((item) =>
    'origin' in item
      ? mcpCallItems([item])[0]!
      : {
          type: 'message',
          id: newItemId('msg'),
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: item.text, annotations: [] }],
        },
  );
}

/**
 * The loop's final answer as a Responses response: the servers' listings, the turns' text and the
 * calls that ran, then the answer's own items. `headers` of MCP entries are not echoed (nor
 * stored).
 */
export function hostedResponse(
  answer: ChatCompletion,
  source: ResponsesRequest,
  toolset: RecordingToolset,
): ResponsesResponse {
  const response = toResponsesResponse(answer, source);
  const exchange = mcpExchangeItems(toolset.items);
  response.output = [...mcpListItems(toolset), ...exchange, ...response.output];
  response.tools = (source.tools ?? []).map(withoutHeaders);
  return response;
}

function withoutHeaders(tool: ResponsesTool): ResponsesTool {
  if (tool.type !== 'mcp') return tool;
  const { headers: _headers, ...rest } = tool;
  return rest;
}

/**
 * A Responses request's tools with the MCP entries replaced by the toolset's function tools
 * (where the first MCP entry was), as the model sees them when the client runs the calls.
 * @throws 400 when a client function has the name the gateway gives one of its tools.
 */
export function expandResponsesTools(
  tools: readonly ResponsesTool[],
  toolset: HostedToolset,
): ResponsesTool[] {
  const expanded: ResponsesTool[] = [];
  let placed = false;
  tools.forEach((tool, i) => {
    if (tool.type !== 'mcp') {
      if (toolset.owns(tool.name)) throw clash(`tools[${i}].name`);
      expanded.push(tool);
    } else if (!placed) {
      expanded.push(...toolset.definitions.map(({ function: fn }) => functionTool(fn)));
      placed = true;
    }
  });
  return expanded;
}

function functionTool(fn: HostedToolset['definitions'][number]['function']): ResponsesFunctionTool {
  const tool: ResponsesFunctionTool = {
    type: 'function',
    name: fn.name,
    parameters: fn.parameters,
  };
  if (fn.description !== undefined) tool.description = fn.description;
  return tool;
}

function clash(param: string): CommonException {
  return CommonException.invalidRequest(
    `"${param}" is the name the gateway gives an MCP tool of this request: rename the function`,
    param,
  );
}
