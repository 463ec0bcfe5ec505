import type { Message } from '@smithy/eventstream-codec';
import { toUtf8 } from '@smithy/util-utf8';
import type { ChatCompletionChunk, ChatMessage, Usage } from '../contract/openai-wire.types';
import { streamError } from '../http/transport-error.mapper';
import { bedrockStreamException } from './bedrock-error.mapper';
import { toFinishReason, toUsage, type CompletionIdentity } from './bedrock-response.mapper';
import type { ConverseStreamEvent, ConverseStreamEvents } from './bedrock.types';

type Delta = Partial<ChatMessage>;

function stringHeader(message: Message, name: string): string | undefined {
  const header = message.headers[name];
  return header?.type === 'string' ? header.value : undefined;
}

function parsePayload(message: Message, eventType: string): unknown {
  try {
    return JSON.parse(toUtf8(message.body)) as unknown;
  } catch (err) {
    throw streamError(`Bedrock sent an invalid ${eventType} event`, 502, err);
  }
}

/**
 * One decoded event-stream frame → a Converse event. Exception and error frames throw the
 * upstream's failure; event types the gateway does not know return `undefined` (skipped).
 */
export function toConverseEvent(message: Message): ConverseStreamEvent | undefined {
  const messageType = stringHeader(message, ':message-type');
  if (messageType === 'exception') {
    const type = stringHeader(message, ':exception-type') ?? 'unknownException';
    throw bedrockStreamException(type, toUtf8(message.body));
  }
  if (messageType === 'error') {
    const code = stringHeader(message, ':error-code') ?? 'unknownError';
    throw bedrockStreamException(code, stringHeader(message, ':error-message') ?? '');
  }
  const type = stringHeader(message, ':event-type');
  if (messageType !== 'event' || type === undefined || !KNOWN_EVENTS.has(type)) return undefined;
  return { type, payload: parsePayload(message, type) } as ConverseStreamEvent;
}

const KNOWN_EVENTS: ReadonlySet<string> = new Set<keyof ConverseStreamEvents>([
  'messageStart',
  'contentBlockStart',
  'contentBlockDelta',
  'contentBlockStop',
  'messageStop',
  'metadata',
]);

/**
 * Turns ConverseStream events into OpenAI chunks as they arrive. Converse numbers content blocks
 * (text and tool uses together); OpenAI numbers tool calls only, so each tool-use block gets the
 * next tool-call index. The finish chunk goes out on `messageStop`; usage follows on `metadata`.
 */
export class BedrockStreamMapper {
  private readonly toolIndexByBlock = new Map<number, number>();
  private stopped = false;

  constructor(
    private readonly identity: CompletionIdentity,
    private readonly includeUsage: boolean,
  ) {}

  /** True once `messageStop` arrived: a body ending before that was cut short. */
  get finished(): boolean {
    return this.stopped;
  }

  map(event: ConverseStreamEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case 'messageStart':
        return [this.chunk({ role: 'assistant', content: '' })];
      case 'contentBlockStart':
        return this.blockStart(event.payload);
      case 'contentBlockDelta':
        return this.blockDelta(event.payload);
      case 'messageStop':
        this.stopped = true;
        return [this.chunk({}, toFinishReason(event.payload.stopReason))];
      case 'metadata':
        return this.includeUsage && event.payload.usage
          ? [this.usageChunk(toUsage(event.payload.usage))]
          : [];
      case 'contentBlockStop':
        return [];
    }
  }

  private blockStart(payload: ConverseStreamEvents['contentBlockStart']): ChatCompletionChunk[] {
    const toolUse = payload.start?.toolUse;
    if (!toolUse) return [];
    const index = this.toolIndexByBlock.size;
    this.toolIndexByBlock.set(payload.contentBlockIndex, index);
    const call = {
      index,
      id: toolUse.toolUseId,
      type: 'function',
      function: { name: toolUse.name, arguments: '' },
    };
    return [this.chunk({ tool_calls: [call] })];
  }

  private blockDelta(payload: ConverseStreamEvents['contentBlockDelta']): ChatCompletionChunk[] {
    const delta = payload.delta;
    if (typeof delta?.text === 'string') return [this.chunk({ content: delta.text })];
    const index = this.toolIndexByBlock.get(payload.contentBlockIndex);
    if (typeof delta?.toolUse?.input !== 'string' || index === undefined) return [];
    return [this.chunk({ tool_calls: [{ index, function: { arguments: delta.toolUse.input } }] })];
  }

  private chunk(delta: Delta, finishReason: string | null = null): ChatCompletionChunk {
    return {
      ...this.base(),
      choices: [{ index: 0, delta, finish_reason: finishReason }],
      // As OpenAI does: with include_usage every chunk carries `usage: null` but the last.
      ...(this.includeUsage ? { usage: null } : {}),
    };
  }

  private usageChunk(usage: Usage): ChatCompletionChunk {
    return { ...this.base(), choices: [], usage };
  }

  private base(): Pick<ChatCompletionChunk, 'id' | 'object' | 'created' | 'model'> {
    const { id, created, model } = this.identity;
    return { id, object: 'chat.completion.chunk', created, model };
  }
}
