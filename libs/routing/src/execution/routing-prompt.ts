/** Most characters of request text a learned router judges: enough to tell tasks apart. */
export const ROUTING_PROMPT_MAX_CHARS = 4096;

const SYSTEM_ROLES: ReadonlySet<string> = new Set(['system', 'developer']);
const TEXT_PART_TYPES: ReadonlySet<string> = new Set(['text', 'input_text']);

type Fields = Readonly<Record<string, unknown>>;

/**
 * The text of a request a learned router judges, at most `ROUTING_PROMPT_MAX_CHARS`: for chat
 * bodies (OpenAI chat, and `/v1/messages` and `/v1/responses` once translated to chat) the last
 * user turn, then the system prompt with the room left; for completions the prompt (the last one
 * of a list); for embeddings the (first) input. Text parts only. Undefined when there is no text.
 */
export function routingPromptOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { messages, prompt, input } = body as Fields;
  if (Array.isArray(messages)) return chatPrompt(messages as unknown[]);
  if (prompt !== undefined) return nonEmpty(lastString(prompt));
  if (input !== undefined) return nonEmpty(firstString(input));
  return undefined;
}

/** `routingPromptOf(body)`, worked out on the first call only (most strategies never call it). */
export function lazyRoutingPrompt(body: unknown): () => string | undefined {
  let done = false;
  let text: string | undefined;
  return () => {
    if (!done) {
      done = true;
      text = routingPromptOf(body);
    }
    return text;
  };
}

function chatPrompt(messages: readonly unknown[]): string | undefined {
  let user: unknown;
  let system: unknown;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as Fields | null;
    if (typeof message !== 'object' || message === null) continue;
    const role = message.role;
    if (user === undefined && role === 'user') user = message.content;
    else if (typeof role === 'string' && SYSTEM_ROLES.has(role)) system = message.content;
  }
  const head = textOf(user, ROUTING_PROMPT_MAX_CHARS);
  const room = ROUTING_PROMPT_MAX_CHARS - head.length - 1;
  const tail = room > 0 ? textOf(system, room) : '';
  return nonEmpty(head && tail ? `${head}\n${tail}` : head || tail);
}

/** A message's text (a string, or its text parts joined by newlines), cut at `max` characters. */
function textOf(content: unknown, max: number): string {
  if (typeof content === 'string') return content.slice(0, max);
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const part of content as unknown[]) {
    const fields = part as Fields | null;
    if (typeof fields !== 'object' || fields === null) continue;
    if (typeof fields.type !== 'string' || !TEXT_PART_TYPES.has(fields.type)) continue;
    if (typeof fields.text !== 'string') continue;
    out = out === '' ? fields.text : `${out}\n${fields.text}`;
    if (out.length >= max) return out.slice(0, max);
  }
  return out;
}

function lastString(value: unknown): string | undefined {
  if (typeof value === 'string') return value.slice(0, ROUTING_PROMPT_MAX_CHARS);
  if (!Array.isArray(value)) return undefined;
  for (let i = value.length - 1; i >= 0; i--) {
    const item: unknown = value[i];
    if (typeof item === 'string') return item.slice(0, ROUTING_PROMPT_MAX_CHARS);
  }
  return undefined;
}

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value.slice(0, ROUTING_PROMPT_MAX_CHARS);
  if (!Array.isArray(value)) return undefined;
  const item: unknown = value.find((entry) => typeof entry === 'string');
  return typeof item === 'string' ? item.slice(0, ROUTING_PROMPT_MAX_CHARS) : undefined;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text;
}
