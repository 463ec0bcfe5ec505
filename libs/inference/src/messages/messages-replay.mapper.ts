import type {
  AnthropicMessage,
  AnthropicResponseBlock,
  AnthropicStreamEvent,
} from './anthropic-messages.types';

/**
 * Anthropic's event sequence for a message that is already whole (the hosted tool loop's):
 * message_start, each content block started, filled (a text in one text_delta, a tool's input in
 * one input_json_delta) and stopped in order, then message_delta with the stop reason and the
 * usage, and message_stop.
 */
export function replayMessageEvents(message: AnthropicMessage): AnthropicStreamEvent[] {
  const { usage } = message;
  const shell: AnthropicMessage = {
    ...message,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { ...usage, output_tokens: 0 },
  };
  const events: AnthropicStreamEvent[] = [{ type: 'message_start', message: shell }];
  message.content.forEach((block, index) => events.push(...blockEvents(block, index)));
  events.push(
    {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
      usage,
    },
    { type: 'message_stop' },
  );
  return events;
}

function blockEvents(block: AnthropicResponseBlock, index: number): AnthropicStreamEvent[] {
  const stop: AnthropicStreamEvent = { type: 'content_block_stop', index };
  switch (block.type) {
    case 'text':
      return [
        { type: 'content_block_start', index, content_block: { ...block, text: '' } },
        { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } },
        stop,
      ];
    case 'tool_use':
    case 'mcp_tool_use': {
      const partial_json = JSON.stringify(block.input);
      return [
        { type: 'content_block_start', index, content_block: { ...block, input: {} } },
        { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } },
        stop,
      ];
    }
    case 'mcp_tool_result':
      return [{ type: 'content_block_start', index, content_block: block }, stop];
  }
}
