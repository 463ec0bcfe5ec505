import type {
  ResponsesMcpCall,
  ResponsesMcpListTools,
  ResponsesOutputFunctionCall,
  ResponsesOutputItem,
  ResponsesOutputMessage,
  ResponsesResponse,
  ResponsesStreamEvent,
  SequencedEvent,
} from './responses.types';

/**
 * The Responses event sequence of a response that is already whole (the hosted tool loop's): the
 * response created and in progress, each output item added, filled and done in order (a message's
 * text and an MCP call's arguments in one delta each, with the MCP items' own progress events, as
 * OpenAI streams them), then response.completed (or .incomplete) with the whole response.
 */
export function replayEvents(response: ResponsesResponse): SequencedEvent[] {
  const shell: ResponsesResponse = { ...response, status: 'in_progress', output: [], usage: null };
  const events: ResponsesStreamEvent[] = [
    { type: 'response.created', response: shell },
    { type: 'response.in_progress', response: shell },
  ];
  response.output.forEach((item, index) => events.push(...itemEvents(item, index)));
  const type = response.status === 'completed' ? 'response.completed' : 'response.incomplete';
  events.push({ type, response });
  return events.map((event, i) => ({ ...event, sequence_number: i }));
}

function itemEvents(item: ResponsesOutputItem, index: number): ResponsesStreamEvent[] {
  const done: ResponsesStreamEvent = {
    type: 'response.output_item.done',
    output_index: index,
    item,
  };
  switch (item.type) {
    case 'message':
      return [...messageEvents(item, index), done];
    case 'function_call':
      return [...functionCallEvents(item, index), done];
    case 'mcp_call':
      return [...mcpCallEvents(item, index), done];
    case 'mcp_list_tools':
      return [...mcpListToolsEvents(item, index), done];
  }
}

function added(item: ResponsesOutputItem, index: number): ResponsesStreamEvent {
  return { type: 'response.output_item.added', output_index: index, item };
}

function messageEvents(item: ResponsesOutputMessage, index: number): ResponsesStreamEvent[] {
  const events = [added({ ...item, status: 'in_progress', content: [] }, index)];
  const at = { item_id: item.id, output_index: index };
  item.content.forEach((part, j) => {
    const slot = { ...at, content_index: j };
    const empty = { ...part, text: '' };
    events.push(
      { type: 'response.content_part.added', ...slot, part: empty },
      { type: 'response.output_text.delta', ...slot, delta: part.text, logprobs: [] },
      { type: 'response.output_text.done', ...slot, text: part.text, logprobs: [] },
      { type: 'response.content_part.done', ...slot, part },
    );
  });
  return events;
}

function functionCallEvents(
  item: ResponsesOutputFunctionCall,
  index: number,
): ResponsesStreamEvent[] {
  const at = { item_id: item.id, output_index: index };
  return [
    added({ ...item, status: 'in_progress', arguments: '' }, index),
    { type: 'response.function_call_arguments.delta', ...at, delta: item.arguments },
    {
      type: 'response.function_call_arguments.done',
      ...at,
      name: item.name,
      arguments: item.arguments,
    },
  ];
}

function mcpListToolsEvents(item: ResponsesMcpListTools, index: number): ResponsesStreamEvent[] {
  const at = { item_id: item.id, output_index: index };
  return [
    added({ ...item, tools: [] }, index),
    { type: 'response.mcp_list_tools.in_progress', ...at },
    { type: 'response.mcp_list_tools.completed', ...at },
  ];
}

function mcpCallEvents(item: ResponsesMcpCall, index: number): ResponsesStreamEvent[] {
  const at = { item_id: item.id, output_index: index };
  const inProgress = { ...item, status: 'in_progress' as const, arguments: '', output: null };
  return [
    added({ ...inProgress, error: null }, index),
    { type: 'response.mcp_call.in_progress', ...at },
    { type: 'response.mcp_call_arguments.delta', ...at, delta: item.arguments },
    { type: 'response.mcp_call_arguments.done', ...at, arguments: item.arguments },
    {
      type: item.status === 'failed' ? 'response.mcp_call.failed' : 'response.mcp_call.completed',
      ...at,
    },
  ];
}
