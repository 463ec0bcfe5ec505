import { isResponsesEvent } from './responses-events';
import { ARGUMENTS_DELTA, isToolArgumentsDelta, type ToolArguments } from './tool-call-chunks';

type Json = Record<string, unknown>;

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function indexOf(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function finished(choice: Json): boolean {
  return choice.finish_reason !== null && choice.finish_reason !== undefined;
}

/** What an entry's arguments become: released whole, '' while held; undefined: unchanged. */
function argumentsOut(
  fn: Json,
  key: string,
  released: Map<string, ToolArguments>,
): string | undefined {
  const whole = released.get(key);
  if (whole !== undefined) {
    released.delete(key);
    return whole.text;
  }
  return typeof fn.arguments === 'string' && fn.arguments !== '' ? '' : undefined;
}

function onlyKeys(value: Json, keys: readonly string[]): boolean {
  return Object.keys(value).every((key) => keys.includes(key));
}

function toolCallOut(entry: unknown, key: string, released: Map<string, ToolArguments>): unknown[] {
  if (!isJson(entry) || !isJson(entry.function)) return [entry];
  const args = argumentsOut(entry.function, key, released);
  if (args === undefined) return [entry];
  // A fragment that carried nothing but arguments has nothing left to say.
  const bare = onlyKeys(entry, ['index', 'function']) && onlyKeys(entry.function, ['arguments']);
  return args === '' && bare
    ? []
    : [{ ...entry, function: { ...entry.function, arguments: args } }];
}

function choiceOut(choice: unknown, at: number, released: Map<string, ToolArguments>): unknown {
  if (!isJson(choice) || !isJson(choice.delta)) return choice;
  const index = indexOf(choice.index, at);
  const delta: Json = { ...choice.delta };
  let changed = false;
  if (Array.isArray(delta.tool_calls)) {
    const entries = delta.tool_calls as unknown[];
    const calls = entries.flatMap((entry, position) =>
      toolCallOut(
        entry,
        `${index}:${indexOf(isJson(entry) ? entry.index : undefined, position)}`,
        released,
      ),
    );
    changed = calls.length !== entries.length || calls.some((call, i) => call !== entries[i]);
    if (calls.length > 0) delta.tool_calls = calls;
    else delete delta.tool_calls;
  }
  const legacy = delta.function_call;
  const args = isJson(legacy) ? argumentsOut(legacy, `${index}:-1`, released) : undefined;
  if (isJson(legacy) && args !== undefined) {
    changed = true;
    if (args === '' && onlyKeys(legacy, ['arguments'])) delete delta.function_call;
    else delta.function_call = { ...legacy, arguments: args };
  }
  return changed ? { ...choice, delta } : choice;
}

/** A chat chunk that tells the client nothing: no usage, finish, logprobs or delta field left. */
function carriesNothing(chunk: Json, choices: readonly unknown[]): boolean {
  if (chunk.usage !== undefined && chunk.usage !== null) return false;
  return choices.every(
    (choice) =>
      isJson(choice) &&
      !finished(choice) &&
      (choice.logprobs === undefined || choice.logprobs === null) &&
      isJson(choice.delta) &&
      Object.values(choice.delta).every(
        (value) => value === undefined || value === null || value === '',
      ),
  );
}

/**
 * The chunk without its argument fragments: a tool call's id, type and name stay in the entry that
 * carried them (with `arguments: ''`), a fragment that carried only arguments goes. Released whole
 * arguments (`released`) whose tool call this chunk names are written into that entry and taken
 * out of `released`. Undefined when nothing is left to send (a Messages or Responses arguments
 * delta, a chat chunk left empty).
 */
export function withoutToolArguments(
  chunk: object,
  released: Map<string, ToolArguments>,
): object | undefined {
  const event = chunk as Json;
  if (!Array.isArray(event.choices)) return isToolArgumentsDelta(event) ? undefined : chunk;
  const before = event.choices as unknown[];
  const choices = before.map((choice, at) => choiceOut(choice, at, released));
  if (choices.every((choice, i) => choice === before[i])) return chunk;
  return carriesNothing(event, choices) ? undefined : { ...event, choices };
}

/** A chunk shaped after `template` carrying the whole arguments of `calls` (all of `group`). */
export function toolArgumentsChunk(
  template: object,
  group: number,
  calls: readonly ToolArguments[],
): object {
  const event = template as Json;
  if (Array.isArray(event.choices)) {
    const { choices: _choices, usage, ...base } = event;
    const toolCalls = calls
      .filter((call) => call.call >= 0)
      .map((call) => ({ index: call.call, function: { arguments: call.text } }));
    const legacy = calls.find((call) => call.call < 0);
    const delta = {
      ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
      ...(legacy !== undefined && { function_call: { arguments: legacy.text } }),
    };
    const choice = { index: group, delta, finish_reason: null };
    return { ...base, choices: [choice], ...(usage !== undefined && { usage: null }) };
  }
  const text = calls.map((call) => call.text).join('');
  if (!isResponsesEvent(event)) {
    return {
      type: 'content_block_delta',
      index: group,
      delta: { type: 'input_json_delta', partial_json: text },
    };
  }
  return {
    type: ARGUMENTS_DELTA,
    ...(event.item_id !== undefined && { item_id: event.item_id }),
    output_index: group,
    delta: text,
    ...(event.sequence_number !== undefined && { sequence_number: event.sequence_number }),
  };
}
