import type { ChatCompletionChunk } from '@routeiq/providers';
import type { AnthropicStreamEvent, AnthropicStopReason } from './anthropic-messages.types';
import { toAnthropicUsage, toMessageId, toStopReason } from './messages-response.mapper';

interface ToolCallDelta {
  index?: unknown;
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

type OpenBlock = { kind: 'text' } | { kind: 'tool'; callIndex: number };

/**
 * Turns OpenAI chat chunks into Anthropic's event sequence: message_start, then each content
 * block opened, filled and closed in turn (text, then one block per tool call), then
 * message_delta (stop reason, usage) and message_stop. Stateful: one instance per response.
 */
export class MessagesStreamMapper {
  private started = false;
  private nextIndex = 0;
  private open: OpenBlock | undefined;
  /** Anthropic block index of each OpenAI tool-call index. */
  private readonly toolBlocks = new Map<number, number>();
  private finishReason: string | null = null;
  private usage: unknown;

  constructor(private readonly model: string) {}

  /** The events for one upstream chunk (none for most usage-only or empty chunks). */
  push(chunk: ChatCompletionChunk): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    if (!this.started) events.push(this.start(chunk.id));
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices.find((c) => c.index === 0);
    if (!choice) return events;
    const delta = choice.delta;
    const text = typeof delta.content === 'string' ? delta.content : '';
    const refusal = typeof delta.refusal === 'string' ? delta.refusal : '';
    if (text || refusal) this.text(text || refusal, events);
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls as ToolCallDelta[]) this.toolCall(call, events);
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    return events;
  }

  /** The closing events, once the upstream stream has ended. */
  finish(): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    if (!this.started) events.push(this.start(undefined));
    this.close(events);
    const usage = this.usage === undefined ? { output_tokens: 0 } : toAnthropicUsage(this.usage);
    const stopReason: AnthropicStopReason = toStopReason(this.finishReason);
    events.push(
      { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage },
      { type: 'message_stop' },
    );
    return events;
  }

  private start(id: string | undefined): AnthropicStreamEvent {
    this.started = true;
    return {
      type: 'message_start',
      message: {
        id: toMessageId(id),
        type: 'message',
        role: 'assistant',
        model: this.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // Known only at the end (OpenAI sends usage last): message_delta carries the real counts.
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    };
  }

  private text(text: string, events: AnthropicStreamEvent[]): void {
    if (this.open?.kind !== 'text') {
      this.close(events);
      this.open = { kind: 'text' };
      events.push({
        type: 'content_block_start',
        index: this.nextIndex,
        content_block: { type: 'text', text: '' },
      });
    }
    events.push({
      type: 'content_block_delta',
      index: this.nextIndex,
      delta: { type: 'text_delta', text },
    });
  }

  private toolCall(call: ToolCallDelta, events: AnthropicStreamEvent[]): void {
    const callIndex = typeof call.index === 'number' ? call.index : 0;
    let blockIndex = this.toolBlocks.get(callIndex);
    if (blockIndex === undefined) {
      this.close(events);
      blockIndex = this.nextIndex;
      this.toolBlocks.set(callIndex, blockIndex);
      this.open = { kind: 'tool', callIndex };
      events.push({
        type: 'content_block_start',
        index: blockIndex,
        content_block: {
          type: 'tool_use',
          id: typeof call.id === 'string' ? call.id : `toolu_${callIndex}`,
          name: typeof call.function?.name === 'string' ? call.function.name : '',
          input: {},
        },
      });
    }
    const args = call.function?.arguments;
    // OpenAI streams calls one after another; a piece for an earlier call (never seen in
    // practice) still goes to that call's block, which clients accumulate by index.
    if (typeof args === 'string' && args.length > 0) {
      events.push({
        type: 'content_block_delta',
        index: blockIndex,
        delta: { type: 'input_json_delta', partial_json: args },
      });
    }
  }

  private close(events: AnthropicStreamEvent[]): void {
    if (this.open === undefined) return;
    events.push({ type: 'content_block_stop', index: this.nextIndex });
    this.nextIndex += 1;
    this.open = undefined;
  }
}

/**
 * Anthropic events from an OpenAI chunk stream. Nothing is yielded before the first upstream
 * chunk arrives, so an upstream that fails at once still fails before the response starts.
 */
export async function* toAnthropicEvents(
  chunks: AsyncIterable<ChatCompletionChunk>,
  model: string,
): AsyncGenerator<AnthropicStreamEvent> {
  const mapper = new MessagesStreamMapper(model);
  for await (const chunk of chunks) yield* mapper.push(chunk);
  yield* mapper.finish();
}
