type Json = Record<string, unknown>;

export const ARGUMENTS_DELTA = 'response.function_call_arguments.delta';
const ARGUMENTS_DONE = 'response.function_call_arguments.done';

/**
 * One piece of a tool call's arguments in a streamed chunk: a chat `delta.tool_calls[]` (or
 * legacy `delta.function_call`) fragment, a Messages `input_json_delta`, a Responses
 * `response.function_call_arguments.delta`.
 */
export interface ToolArgumentFragment {
  /** The tool call: `<choice>:<tool-call index>` (`:-1` the legacy function_call), the block or item. */
  readonly key: string;
  /** What the call ends with: its choice (chat), its content block (Messages) or item (Responses). */
  readonly group: number;
  /** The tool-call index within the choice (-1: legacy function_call; 0 for Messages, Responses). */
  readonly call: number;
  readonly text: string;
}

/** A tool call's whole arguments, and the chunk its first fragment came in (shape and ids). */
export interface ToolArguments extends ToolArgumentFragment {
  readonly template: object;
}

/** What one streamed chunk does to tool-call arguments. */
export interface ChunkToolArguments {
  readonly fragments: readonly ToolArgumentFragment[];
  /** Groups whose arguments are complete once this chunk is written. */
  readonly ends: readonly number[];
  /** The chunk repeats whole arguments (Responses `done` and completed events, a tool_use start). */
  readonly whole: boolean;
}

const WHOLE: ChunkToolArguments = { fragments: [], ends: [], whole: true };

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function indexOf(value: unknown, fallback = 0): number {
  return typeof value === 'number' ? value : fallback;
}

function finished(choice: Json): boolean {
  return choice.finish_reason !== null && choice.finish_reason !== undefined;
}

function hasKeys(value: unknown): boolean {
  return isJson(value) && Object.keys(value).length > 0;
}

function isFunctionCall(item: unknown): boolean {
  return isJson(item) && item.type === 'function_call';
}

/** Whether a chunk touches tool calls at all; allocates nothing (most chunks carry only text). */
function touchesCalls(choices: readonly unknown[], holding: boolean): boolean {
  for (const choice of choices) {
    if (!isJson(choice)) continue;
    if (holding && finished(choice)) return true;
    const delta = choice.delta;
    if (!isJson(delta)) continue;
    const calls = delta.tool_calls;
    if ((Array.isArray(calls) && calls.length > 0) || isJson(delta.function_call)) return true;
  }
  return false;
}

function chatFragments(choice: Json, index: number, fragments: ToolArgumentFragment[]): void {
  const delta = choice.delta;
  if (!isJson(delta)) return;
  const calls: unknown[] = Array.isArray(delta.tool_calls) ? delta.tool_calls : [];
  calls.forEach((entry, position) => {
    const text = isJson(entry) && isJson(entry.function) ? entry.function.arguments : undefined;
    if (typeof text !== 'string' || text === '') return;
    const call = indexOf((entry as Json).index, position);
    fragments.push({ key: `${index}:${call}`, group: index, call, text });
  });
  const legacy = isJson(delta.function_call) ? delta.function_call.arguments : undefined;
  if (typeof legacy === 'string' && legacy !== '') {
    fragments.push({ key: `${index}:-1`, group: index, call: -1, text: legacy });
  }
}

function chatArguments(
  choices: readonly unknown[],
  holding: boolean,
): ChunkToolArguments | undefined {
  if (!touchesCalls(choices, holding)) return undefined;
  const fragments: ToolArgumentFragment[] = [];
  const ends: number[] = [];
  choices.forEach((choice, at) => {
    if (!isJson(choice)) return;
    const index = indexOf(choice.index, at);
    chatFragments(choice, index, fragments);
    if (finished(choice)) ends.push(index);
  });
  return { fragments, ends, whole: false };
}

function fragment(group: number, text: unknown): ChunkToolArguments | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  return { fragments: [{ key: String(group), group, call: 0, text }], ends: [], whole: false };
}

function eventArguments(event: Json, holding: boolean): ChunkToolArguments | undefined {
  switch (event.type) {
    case 'content_block_delta': {
      const delta = event.delta;
      if (!isJson(delta) || delta.type !== 'input_json_delta') return undefined;
      return fragment(indexOf(event.index), delta.partial_json);
    }
    case 'content_block_stop':
      return holding ? { fragments: [], ends: [indexOf(event.index)], whole: false } : undefined;
    case 'content_block_start': {
      const block = event.content_block;
      return isJson(block) && block.type === 'tool_use' && hasKeys(block.input) ? WHOLE : undefined;
    }
    case ARGUMENTS_DELTA:
      return fragment(indexOf(event.output_index), event.delta);
    case ARGUMENTS_DONE:
      return { fragments: [], ends: [indexOf(event.output_index)], whole: true };
    case 'response.output_item.added':
    case 'response.output_item.done':
      return isFunctionCall(event.item) ? WHOLE : undefined;
    case 'response.completed':
    case 'response.incomplete': {
      const output = isJson(event.response) ? event.response.output : undefined;
      return Array.isArray(output) && output.some(isFunctionCall) ? WHOLE : undefined;
    }
    default:
      return undefined;
  }
}

/** A Messages `input_json_delta` or a Responses arguments delta carrying a fragment. */
export function isToolArgumentsDelta(event: object): boolean {
  return eventArguments(event as Json, false)?.fragments.length === 1;
}

/**
 * The tool-call arguments a streamed chunk carries or ends (`holding`: some are held back, so a
 * finish or a block's stop matters); undefined, without allocating, for a chunk that has none.
 */
export function chunkToolArguments(
  chunk: object,
  holding: boolean,
): ChunkToolArguments | undefined {
  const { choices } = chunk as Json;
  if (Array.isArray(choices)) return chatArguments(choices, holding);
  return eventArguments(chunk as Json, holding);
}

function withArguments(holder: Json, redact: (text: string) => string): Json {
  if (typeof holder.arguments !== 'string') return holder;
  const text = redact(holder.arguments);
  return text === holder.arguments ? holder : { ...holder, arguments: text };
}

function callWithArguments(item: unknown, redact: (text: string) => string): unknown {
  return isJson(item) && item.type === 'function_call' ? withArguments(item, redact) : item;
}

/**
 * The chunk with the whole arguments it repeats passed through `redact`: Responses
 * `function_call_arguments.done`, function_call items (added, done, in the completed response), a
 * Messages `tool_use` block's start input. The same chunk when nothing changed.
 */
export function withWholeToolArguments(chunk: object, redact: (text: string) => string): object {
  const event = chunk as Json;
  switch (event.type) {
    case 'content_block_start': {
      const block = event.content_block;
      if (!isJson(block) || block.type !== 'tool_use' || !isJson(block.input)) return chunk;
      const text = JSON.stringify(block.input);
      const next = redact(text);
      if (next === text) return chunk;
      return { ...event, content_block: { ...block, input: JSON.parse(next) as unknown } };
    }
    case ARGUMENTS_DONE:
      return withArguments(event, redact);
    case 'response.output_item.added':
    case 'response.output_item.done': {
      const item = callWithArguments(event.item, redact);
      return item === event.item ? chunk : { ...event, item };
    }
    case 'response.completed':
    case 'response.incomplete': {
      const response = event.response;
      if (!isJson(response) || !Array.isArray(response.output)) return chunk;
      const before = response.output as unknown[];
      const output = before.map((item) => callWithArguments(item, redact));
      const same = output.every((item, i) => item === before[i]);
      return same ? chunk : { ...event, response: { ...response, output } };
    }
    default:
      return chunk;
  }
}

/** Calls `visit` with each non-empty whole arguments text the chunk repeats (see above). */
export function eachWholeToolArguments(chunk: object, visit: (text: string) => void): void {
  withWholeToolArguments(chunk, (text) => {
    if (text !== '') visit(text);
    return text;
  });
}
