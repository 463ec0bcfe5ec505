import type { ChatCompletionChunk } from '@routeiq/providers';
import {
  applyFinish,
  newItemId,
  nowSeconds,
  responseShell,
  toResponsesUsage,
} from './responses-response.mapper';
import type {
  ResponsesOutputFunctionCall,
  ResponsesOutputItem,
  ResponsesRequest,
  ResponsesResponse,
  ResponsesStreamEvent,
  SequencedEvent,
} from './responses.types';

interface ToolCallDelta {
  index?: unknown;
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

type OpenItem =
  | { kind: 'text'; index: number; id: string; text: string }
  | { kind: 'tool'; index: number; id: string; callId: string; name: string; args: string };

/**
 * Turns OpenAI chat chunks into the Responses event sequence: response.created and in_progress,
 * then each output item (the text message, then one item per tool call) opened, filled and closed
 * in turn, then response.completed (or response.incomplete) with the whole response and usage.
 * Stateful: one instance per response.
 */
export class ResponsesStreamMapper {
  private sequence = 0;
  private started = false;
  private open: OpenItem | undefined;
  private readonly output: ResponsesOutputItem[] = [];
  /** Tool-call indexes already given an item (a late piece of a closed call is dropped). */
  private readonly seenCalls = new Set<number>();
  private finishReason: string | null = null;
  private usage: unknown;
  private readonly response: ResponsesResponse;

  constructor(source: ResponsesRequest) {
    this.response = responseShell(source, newItemId('resp'), nowSeconds());
  }

  /** The events for one upstream chunk (none for most usage-only or empty chunks). */
  push(chunk: ChatCompletionChunk): SequencedEvent[] {
    const events: SequencedEvent[] = [];
    this.start(events);
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
  finish(): SequencedEvent[] {
    const events: SequencedEvent[] = [];
    this.start(events);
    applyFinish(this.response, this.finishReason);
    this.close(events);
    this.response.output = this.output;
    this.response.usage = this.usage === undefined ? null : toResponsesUsage(this.usage);
    const type =
      this.response.status === 'completed' ? 'response.completed' : 'response.incomplete';
    this.emit(events, { type, response: this.response });
    return events;
  }

  private emit(events: SequencedEvent[], event: ResponsesStreamEvent): void {
    events.push({ ...event, sequence_number: this.sequence++ });
  }

  private start(events: SequencedEvent[]): void {
    if (this.started) return;
    this.started = true;
    // Snapshots: the response object keeps changing until the completed event.
    this.emit(events, { type: 'response.created', response: { ...this.response } });
    this.emit(events, { type: 'response.in_progress', response: { ...this.response } });
  }

  private text(text: string, events: SequencedEvent[]): void {
    if (this.open?.kind !== 'text') {
      this.close(events);
      const open: OpenItem = {
        kind: 'text',
        index: this.output.length,
        id: newItemId('msg'),
        text: '',
      };
      this.open = open;
      const item = {
        type: 'message',
        id: open.id,
        status: 'in_progress',
        role: 'assistant',
        content: [],
      } as const;
      this.emit(events, {
        type: 'response.output_item.added',
        output_index: open.index,
        item: { ...item, content: [] },
      });
      this.emit(events, {
        type: 'response.content_part.added',
        item_id: open.id,
        output_index: open.index,
        content_index: 0,
        part: { type: 'output_text', text: '', annotations: [] },
      });
    }
    const open = this.open;
    open.text += text;
    this.emit(events, {
      type: 'response.output_text.delta',
      item_id: open.id,
      output_index: open.index,
      content_index: 0,
      delta: text,
      logprobs: [],
    });
  }

  private toolCall(call: ToolCallDelta, events: SequencedEvent[]): void {
    const callIndex = typeof call.index === 'number' ? call.index : 0;
    if (!this.seenCalls.has(callIndex)) {
      this.seenCalls.add(callIndex);
      this.close(events);
      const open: OpenItem = {
        kind: 'tool',
        index: this.output.length,
        id: newItemId('fc'),
        callId: typeof call.id === 'string' ? call.id : newItemId('fc'),
        name: typeof call.function?.name === 'string' ? call.function.name : '',
        args: '',
      };
      this.open = open;
      this.emit(events, {
        type: 'response.output_item.added',
        output_index: open.index,
        item: { ...this.toolItem(open), status: 'in_progress' },
      });
    }
    const open = this.open;
    const args = call.function?.arguments;
    // OpenAI streams calls one after another: a piece for an earlier, closed call is not seen
    // in practice and has no open item left to go to.
    if (open?.kind !== 'tool' || typeof args !== 'string' || args.length === 0) return;
    open.args += args;
    this.emit(events, {
      type: 'response.function_call_arguments.delta',
      item_id: open.id,
      output_index: open.index,
      delta: args,
    });
  }

  private toolItem(open: Extract<OpenItem, { kind: 'tool' }>): ResponsesOutputFunctionCall {
    return {
      type: 'function_call',
      id: open.id,
      call_id: open.callId,
      name: open.name,
      arguments: open.args,
      status: 'completed',
    };
  }

  private close(events: SequencedEvent[]): void {
    const open = this.open;
    if (open === undefined) return;
    this.open = undefined;
    if (open.kind === 'tool') {
      this.emit(events, {
        type: 'response.function_call_arguments.done',
        item_id: open.id,
        output_index: open.index,
        name: open.name,
        arguments: open.args,
      });
      this.done(events, this.toolItem(open), open.index);
      return;
    }
    const part = { type: 'output_text', text: open.text, annotations: [] } as const;
    const ids = { item_id: open.id, output_index: open.index, content_index: 0 };
    this.emit(events, { type: 'response.output_text.done', ...ids, text: open.text, logprobs: [] });
    this.emit(events, {
      type: 'response.content_part.done',
      ...ids,
      part: { ...part, annotations: [] },
    });
    const item: ResponsesOutputItem = {
      type: 'message',
      id: open.id,
      status: this.response.status === 'incomplete' ? 'incomplete' : 'completed',
      role: 'assistant',
      content: [{ ...part, annotations: [] }],
    };
    this.done(events, item, open.index);
  }

  private done(events: SequencedEvent[], item: ResponsesOutputItem, index: number): void {
    this.output.push(item);
    this.emit(events, { type: 'response.output_item.done', output_index: index, item });
  }
}

/**
 * Responses events from an OpenAI chunk stream. Nothing is yielded before the first upstream
 * chunk arrives, so an upstream that fails at once still fails before the response starts.
 */
export async function* toResponsesEvents(
  chunks: AsyncIterable<ChatCompletionChunk>,
  source: ResponsesRequest,
): AsyncGenerator<SequencedEvent> {
  const mapper = new ResponsesStreamMapper(source);
  for await (const chunk of chunks) yield* mapper.push(chunk);
  yield* mapper.finish();
}
