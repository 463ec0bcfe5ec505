import type { ChatCompletionChunk, ChatMessage } from '../contract/openai-wire.types';
import { streamError } from '../http/transport-error.mapper';
import { mapAnthropicStreamError, parseAnthropicError } from './anthropic-error.mapper';
import {
  anthropicCompletionId,
  fromAnthropicStopReason,
  fromAnthropicUsage,
} from './anthropic-response.mapper';
import type {
  AnthropicContentBlockDeltaEvent,
  AnthropicContentBlockStartEvent,
  AnthropicMessage,
  AnthropicMessageDeltaEvent,
  AnthropicStreamEvent,
  AnthropicUsage,
} from './anthropic-wire.types';

export interface AnthropicStreamOptions {
  /** `stream_options.include_usage`: end with a `choices: []` chunk carrying the totals. */
  readonly includeUsage: boolean;
  readonly createdSeconds: number;
  /** Names the deployment in error messages. */
  readonly label: string;
}

/**
 * Turns Anthropic stream events into OpenAI chunks, one event at a time. Tool calls are numbered
 * among tool blocks only (OpenAI's `tool_calls[].index`), whatever their content-block index.
 */
export class AnthropicStreamMapper {
  private id = '';
  private model = '';
  private usage: Partial<AnthropicUsage> = {};
  private readonly toolIndexByBlock = new Map<number, number>();
  private finished = false;

  constructor(private readonly options: AnthropicStreamOptions) {}

  /** Whether `message_stop` has been seen. */
  get done(): boolean {
    return this.finished;
  }

  /** The chunks for one event (often none); throws on an `error` event. */
  map(event: AnthropicStreamEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case 'message_start':
        return [this.start(event.message)];
      case 'content_block_start':
        return this.blockStart(event);
      case 'content_block_delta':
        return this.blockDelta(event);
      case 'message_delta':
        return [this.messageDelta(event)];
      case 'message_stop':
        this.finished = true;
        return this.options.includeUsage ? [this.usageChunk()] : [];
      case 'error':
        throw mapAnthropicStreamError(
          parseAnthropicError(event) ?? { type: 'api_error', message: 'unknown stream error' },
        );
      default:
        // ping, content_block_stop and event types added later carry nothing for OpenAI clients.
        return [];
    }
  }

  private start(message: AnthropicMessage): ChatCompletionChunk {
    this.id = anthropicCompletionId(message.id);
    this.model = message.model;
    this.usage = { ...message.usage };
    return this.chunk({ role: 'assistant', content: '' });
  }

  private blockStart(event: AnthropicContentBlockStartEvent): ChatCompletionChunk[] {
    const block = event.content_block;
    if (block.type === 'text') return block.text ? [this.chunk({ content: block.text })] : [];
    if (block.type !== 'tool_use') return [];
    const index = this.toolIndexByBlock.size;
    this.toolIndexByBlock.set(event.index, index);
    const call = {
      index,
      id: block.id,
      type: 'function',
      function: { name: block.name, arguments: '' },
    };
    return [this.chunk({ tool_calls: [call] })];
  }

  private blockDelta(event: AnthropicContentBlockDeltaEvent): ChatCompletionChunk[] {
    const delta = event.delta;
    switch (delta.type) {
      case 'text_delta':
        return [this.chunk({ content: delta.text })];
      case 'thinking_delta':
        return [this.chunk({ reasoning_content: delta.thinking })];
      case 'input_json_delta': {
        const index = this.toolIndexByBlock.get(event.index);
        // Anthropic opens each tool block with an empty piece; OpenAI clients gain nothing from it.
        if (index === undefined || delta.partial_json === '') return [];
        return [
          this.chunk({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] }),
        ];
      }
      default:
        return [];
    }
  }

  private messageDelta(event: AnthropicMessageDeltaEvent): ChatCompletionChunk {
    // message_delta usage is cumulative and, on newer models, repeats the input counters too.
    this.usage = { ...this.usage, ...definedCounters(event.usage) };
    return this.chunk({}, fromAnthropicStopReason(event.delta.stop_reason) ?? 'stop');
  }

  private usageChunk(): ChatCompletionChunk {
    return { ...this.base(), choices: [], usage: fromAnthropicUsage(this.usage) };
  }

  private chunk(
    delta: Partial<ChatMessage>,
    finishReason: string | null = null,
  ): ChatCompletionChunk {
    return { ...this.base(), choices: [{ index: 0, delta, finish_reason: finishReason }] };
  }

  private base(): Pick<ChatCompletionChunk, 'id' | 'object' | 'created' | 'model'> {
    if (!this.id) {
      throw streamError(
        `The upstream stream of deployment ${this.options.label} did not start with message_start`,
      );
    }
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.options.createdSeconds,
      model: this.model,
    };
  }
}

function definedCounters(usage: Partial<AnthropicUsage>): Partial<AnthropicUsage> {
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => typeof value === 'number'));
}
