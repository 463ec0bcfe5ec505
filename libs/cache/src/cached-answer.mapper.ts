import type { CacheEntry } from './cache-entry';

type Json = Record<string, unknown>;

/** A stored answer in the shape a request asks for: a result, or chunks to replay. */
export interface CachedAnswer {
  readonly result?: object;
  readonly chunks?: readonly object[];
}

/**
 * Converts between a unary answer and a stream's chunks, so a stream and a unary request share
 * one entry. `id`, `created` and `model` are kept as stored (the answer as first returned).
 * Endpoints without a conversion (messages, responses) are keyed per mode and returned as stored.
 */
export function answerFor(
  entry: CacheEntry,
  stream: boolean,
  includeUsage: boolean,
): CachedAnswer | undefined {
  const convertible = entry.endpoint === 'chat' || entry.endpoint === 'completion';
  if (!convertible && (entry.kind === 'chunks') !== stream) return undefined;
  const body = parseBody(entry);
  if (body === undefined) return undefined;
  if (!stream) {
    if (entry.kind === 'result') return { result: body };
    return { result: resultFromChunks(body as readonly Json[], entry.endpoint === 'completion') };
  }
  const chunks =
    entry.kind === 'chunks'
      ? (body as readonly Json[])
      : chunksFromResult(body as Json, entry.endpoint === 'completion');
  return { chunks: includeUsage ? chunks : chunks.filter((chunk) => !isUsageChunk(chunk)) };
}

/** The stored JSON, or undefined when it is not of its kind's shape (a corrupt entry: a miss). */
function parseBody(entry: CacheEntry): Json | Json[] | undefined {
  let body: unknown;
  try {
    body = JSON.parse(entry.body);
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== 'object') return undefined;
  if (Array.isArray(body) !== (entry.kind === 'chunks')) return undefined;
  return body as Json | Json[];
}

/** The usage-only chunk OpenAI sends last when `stream_options.include_usage` is set. */
function isUsageChunk(chunk: Json): boolean {
  return chunk.usage != null && Array.isArray(chunk.choices) && chunk.choices.length === 0;
}

/** Chunks a stream would have carried for `result`: per choice role, content, tools, finish. */
export function chunksFromResult(result: Json, textCompletion: boolean): Json[] {
  const head: Json = {
    id: result.id,
    object: textCompletion ? 'text_completion' : 'chat.completion.chunk',
    created: result.created,
    model: result.model,
    ...(result.system_fingerprint !== undefined && {
      system_fingerprint: result.system_fingerprint,
    }),
  };
  const chunk = (choice: Json): Json => ({ ...head, choices: [choice] });
  const chunks: Json[] = [];
  const choices = Array.isArray(result.choices) ? (result.choices as Json[]) : [];
  choices.forEach((choice, position) => {
    const index = typeof choice.index === 'number' ? choice.index : position;
    if (textCompletion) {
      chunks.push(chunk({ index, text: choice.text ?? '', logprobs: null, finish_reason: null }));
      chunks.push(chunk({ index, text: '', logprobs: null, finish_reason: choice.finish_reason }));
      return;
    }
    for (const delta of deltasOf((choice.message ?? {}) as Json)) {
      chunks.push(chunk({ index, delta, logprobs: null, finish_reason: null }));
    }
    chunks.push(chunk({ index, delta: {}, logprobs: null, finish_reason: choice.finish_reason }));
  });
  if (result.usage != null) chunks.push({ ...head, choices: [], usage: result.usage });
  return chunks;
}

function deltasOf(message: Json): Json[] {
  const deltas: Json[] = [{ role: message.role ?? 'assistant', content: '' }];
  if (typeof message.content === 'string' && message.content !== '') {
    deltas.push({ content: message.content });
  }
  if (typeof message.refusal === 'string' && message.refusal !== '') {
    deltas.push({ refusal: message.refusal });
  }
  const calls = Array.isArray(message.tool_calls) ? (message.tool_calls as Json[]) : [];
  calls.forEach((call, index) => {
    deltas.push({
      tool_calls: [{ index, id: call.id, type: call.type ?? 'function', function: call.function }],
    });
  });
  return deltas;
}

interface Assembled {
  index: number;
  role: string;
  content: string;
  refusal: string;
  sawContent: boolean;
  finishReason: unknown;
  calls: Map<number, { id?: unknown; type?: unknown; name: string; arguments: string }>;
}

/** The unary answer a stream's chunks add up to (content, tool calls, finish reason, usage). */
export function resultFromChunks(chunks: readonly Json[], textCompletion: boolean): Json {
  const first = chunks[0] ?? {};
  const choices = new Map<number, Assembled>();
  let usage: unknown;
  for (const chunk of chunks) {
    if (chunk.usage != null) usage = chunk.usage;
    const parts = Array.isArray(chunk.choices) ? (chunk.choices as Json[]) : [];
    for (const part of parts) addPart(choices, part, textCompletion);
  }
  const assembled = [...choices.values()].sort((a, b) => a.index - b.index);
  return {
    id: first.id,
    object: textCompletion ? 'text_completion' : 'chat.completion',
    created: first.created,
    model: first.model,
    ...(first.system_fingerprint !== undefined && { system_fingerprint: first.system_fingerprint }),
    choices: assembled.map((choice) => (textCompletion ? textChoice(choice) : chatChoice(choice))),
    ...(usage !== undefined && { usage }),
  };
}

function addPart(choices: Map<number, Assembled>, part: Json, textCompletion: boolean): void {
  const index = typeof part.index === 'number' ? part.index : 0;
  let choice = choices.get(index);
  if (!choice) {
    choice = {
      index,
      role: 'assistant',
      content: '',
      refusal: '',
      sawContent: false,
      finishReason: null,
      calls: new Map(),
    };
    choices.set(index, choice);
  }
  if (part.finish_reason != null) choice.finishReason = part.finish_reason;
  if (textCompletion) {
    if (typeof part.text === 'string') choice.content += part.text;
    return;
  }
  const delta = (part.delta ?? {}) as Json;
  if (typeof delta.role === 'string') choice.role = delta.role;
  if (typeof delta.content === 'string') {
    choice.content += delta.content;
    choice.sawContent ||= delta.content !== '';
  }
  if (typeof delta.refusal === 'string') choice.refusal += delta.refusal;
  const calls = Array.isArray(delta.tool_calls) ? (delta.tool_calls as Json[]) : [];
  for (const call of calls) addToolCall(choice, call);
}

function addToolCall(choice: Assembled, call: Json): void {
  const index = typeof call.index === 'number' ? call.index : choice.calls.size;
  const target = choice.calls.get(index) ?? { name: '', arguments: '' };
  if (call.id !== undefined) target.id = call.id;
  if (call.type !== undefined) target.type = call.type;
  const fn = (call.function ?? {}) as Json;
  if (typeof fn.name === 'string') target.name += fn.name;
  if (typeof fn.arguments === 'string') target.arguments += fn.arguments;
  choice.calls.set(index, target);
}

function chatChoice(choice: Assembled): Json {
  const calls = [...choice.calls.entries()].sort(([a], [b]) => a - b);
  const message: Json = {
    role: choice.role,
    content: choice.sawContent || calls.length === 0 ? choice.content : null,
    ...(choice.refusal !== '' && { refusal: choice.refusal }),
    ...(calls.length > 0 && {
      tool_calls: calls.map(([, call]) => ({
        id: call.id,
        type: call.type ?? 'function',
        function: { name: call.name, arguments: call.arguments },
      })),
    }),
  };
  return { index: choice.index, message, logprobs: null, finish_reason: choice.finishReason };
}

function textChoice(choice: Assembled): Json {
  return {
    index: choice.index,
    text: choice.content,
    logprobs: null,
    finish_reason: choice.finishReason,
  };
}
