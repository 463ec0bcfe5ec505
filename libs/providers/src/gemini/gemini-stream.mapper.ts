import type { ChatCompletionChunk, ChatMessage, Usage } from '../contract/openai-wire.types';
import {
  blockedPromptError,
  candidateOutput,
  toFinishReason,
  toUsage,
  type GeminiAnswerMeta,
} from './gemini-response.mapper';
import type { GeminiCandidate, GeminiGenerateContentResponse } from './gemini.types';

interface CandidateState {
  started: boolean;
  toolCalls: number;
  finished: boolean;
}

/**
 * Turns the `GenerateContentResponse` events of a Gemini stream into OpenAI chunks as they arrive.
 * Gemini sends each function call whole, so its tool-call chunk carries id, name and the full
 * arguments at once. One instance per stream: it remembers which candidates have started, how many
 * tool calls each has made, and the latest usage.
 */
export class GeminiStreamMapper {
  private readonly candidates = new Map<number, CandidateState>();
  private usage: Usage | undefined;

  constructor(
    private readonly meta: GeminiAnswerMeta,
    private readonly includeUsage: boolean,
  ) {}

  /** The chunks for one event; throws when Gemini blocked the prompt. */
  map(event: GeminiGenerateContentResponse): ChatCompletionChunk[] {
    const candidates = event.candidates ?? [];
    if (candidates.length === 0 && event.promptFeedback?.blockReason) {
      throw blockedPromptError(event);
    }
    // Gemini repeats cumulative usage on events; the last one is the total.
    if (event.usageMetadata) this.usage = toUsage(event.usageMetadata);
    return candidates.flatMap((candidate, position) => this.candidate(candidate, position));
  }

  /** Whether every candidate seen has finished (a stream cut short has not). */
  get finished(): boolean {
    const states = [...this.candidates.values()];
    return states.length > 0 && states.every((state) => state.finished);
  }

  /** The closing usage chunk, when the client asked for one (`stream_options.include_usage`). */
  end(): ChatCompletionChunk[] {
    if (!this.includeUsage) return [];
    const usage = this.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    return [{ ...this.base(), choices: [], usage }];
  }

  private candidate(candidate: GeminiCandidate, position: number): ChatCompletionChunk[] {
    const index = candidate.index ?? position;
    const state = this.state(index);
    const { text, toolCalls } = candidateOutput(candidate);
    const chunks: ChatCompletionChunk[] = [];
    if (text.length > 0) chunks.push(this.delta(index, state, { content: text }));
    for (const call of toolCalls) {
      const toolCall = { index: state.toolCalls++, ...call };
      chunks.push(this.delta(index, state, { content: null, tool_calls: [toolCall] }));
    }
    const reason = toFinishReason(candidate.finishReason, state.toolCalls > 0);
    if (reason !== null) {
      state.finished = true;
      chunks.push(this.chunk(index, {}, reason));
    }
    return chunks;
  }

  private delta(index: number, state: CandidateState, delta: Partial<ChatMessage>) {
    const first = !state.started;
    state.started = true;
    return this.chunk(index, first ? { role: 'assistant', ...delta } : delta, null);
  }

  private chunk(
    index: number,
    delta: Partial<ChatMessage>,
    finishReason: string | null,
  ): ChatCompletionChunk {
    const chunk: ChatCompletionChunk = {
      ...this.base(),
      choices: [{ index, delta, finish_reason: finishReason, logprobs: null }],
    };
    if (this.includeUsage) chunk.usage = null;
    return chunk;
  }

  private base(): Pick<ChatCompletionChunk, 'id' | 'object' | 'created' | 'model'> {
    const { id, created, model } = this.meta;
    return { id, object: 'chat.completion.chunk', created, model };
  }

  private state(index: number): CandidateState {
    let state = this.candidates.get(index);
    if (!state) {
      state = { started: false, toolCalls: 0, finished: false };
      this.candidates.set(index, state);
    }
    return state;
  }
}
