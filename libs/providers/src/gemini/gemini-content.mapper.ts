import type { ChatMessage } from '../contract/openai-wire.types';
import { ProviderException } from '../contract/provider.exception';
import type { GeminiContent, GeminiPart, GeminiRole } from './gemini.types';

const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;
const IMAGE_MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
};
const SYSTEM_ROLES: ReadonlySet<string> = new Set(['system', 'developer']);

/** Gemini's view of an OpenAI conversation: the system prompt apart, then alternating turns. */
export interface GeminiConversation {
  readonly systemInstruction?: { parts: GeminiPart[] };
  readonly contents: GeminiContent[];
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function invalid(message: string): ProviderException {
  return new ProviderException({
    status: 400,
    code: 'invalid_request',
    type: 'invalid_request_error',
    message,
  });
}

/** Guesses an image type from the URL's extension; Gemini needs one and JPEG is the common case. */
export function guessImageMime(url: string): string {
  const path = URL.canParse(url) ? new URL(url).pathname : url;
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return IMAGE_MIME_BY_EXTENSION[extension] ?? 'image/jpeg';
}

function imagePart(imageUrl: unknown): GeminiPart {
  const url = typeof imageUrl === 'string' ? imageUrl : asRecord(imageUrl)?.url;
  if (typeof url !== 'string' || url.length === 0) throw invalid('image_url.url must be a string');
  const data = DATA_URL.exec(url);
  if (data) return { inlineData: { mimeType: data[1] as string, data: data[2] as string } };
  return { fileData: { mimeType: guessImageMime(url), fileUri: url } };
}

/** One OpenAI content part; `undefined` for kinds Gemini cannot take (they are dropped). */
function contentPart(part: unknown): GeminiPart | undefined {
  const record = asRecord(part);
  if (typeof part === 'string') return part.length > 0 ? { text: part } : undefined;
  if (record?.type === 'text' && typeof record.text === 'string') {
    return record.text.length > 0 ? { text: record.text } : undefined;
  }
  if (record?.type === 'image_url') return imagePart(record.image_url);
  const audio = asRecord(record?.input_audio);
  if (record?.type === 'input_audio' && typeof audio?.data === 'string') {
    const format = typeof audio.format === 'string' ? audio.format : 'wav';
    return { inlineData: { mimeType: `audio/${format}`, data: audio.data } };
  }
  return undefined;
}

/** `content` as Gemini parts: a string, an array of parts, or nothing. */
export function contentParts(content: unknown): GeminiPart[] {
  if (typeof content === 'string') return content.length > 0 ? [{ text: content }] : [];
  if (!Array.isArray(content)) return [];
  return content.map(contentPart).filter((part): part is GeminiPart => part !== undefined);
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return contentParts(content)
    .map((part) => part.text ?? '')
    .join('');
}

function parseArguments(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string' || text.trim() === '') return {};
  try {
    return asRecord(JSON.parse(text)) ?? {};
  } catch {
    throw invalid('tool_calls[].function.arguments must be a JSON object');
  }
}

/** Tool results go back as `{ content }`: parsed when the tool answered JSON, else the text. */
function toolResult(content: unknown): unknown {
  const text = textOf(content);
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : text;
  } catch {
    return text;
  }
}

/** Reads each assistant tool call's id → name, since OpenAI's tool messages carry only the id. */
function toolNamesById(messages: readonly ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    for (const call of message.tool_calls ?? []) {
      const record = asRecord(call);
      const name = asRecord(record?.function)?.name;
      if (typeof record?.id === 'string' && typeof name === 'string') names.set(record.id, name);
    }
  }
  return names;
}

function assistantParts(message: ChatMessage): GeminiPart[] {
  const parts = contentParts(message.content);
  for (const call of message.tool_calls ?? []) {
    const fn = asRecord(asRecord(call)?.function);
    if (typeof fn?.name !== 'string') throw invalid('tool_calls[].function.name is required');
    parts.push({ functionCall: { name: fn.name, args: parseArguments(fn.arguments) } });
  }
  return parts;
}

function toolParts(message: ChatMessage, names: Map<string, string>): GeminiPart[] {
  const name =
    (message.tool_call_id !== undefined ? names.get(message.tool_call_id) : undefined) ??
    message.name;
  if (!name) {
    throw invalid(
      `tool message ${message.tool_call_id ?? ''} answers no earlier assistant tool call`,
    );
  }
  return [{ functionResponse: { name, response: { content: toolResult(message.content) } } }];
}

function turn(message: ChatMessage, names: Map<string, string>): GeminiContent {
  const role: GeminiRole = message.role === 'assistant' ? 'model' : 'user';
  if (message.role === 'assistant') return { role, parts: assistantParts(message) };
  // Gemini's current docs send function responses in a 'user' turn ('function' is legacy).
  if (message.role === 'tool' || message.role === 'function') {
    return { role, parts: toolParts(message, names) };
  }
  return { role, parts: contentParts(message.content) };
}

/**
 * Maps OpenAI messages to Gemini: system (and developer) messages become `systemInstruction`,
 * assistant turns role 'model', tool results 'user' turns with `functionResponse` parts, and
 * consecutive turns of one role are merged, as Gemini wants them alternating.
 */
export function toGeminiConversation(messages: readonly ChatMessage[]): GeminiConversation {
  const names = toolNamesById(messages);
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  for (const message of messages) {
    if (SYSTEM_ROLES.has(message.role)) {
      const text = textOf(message.content);
      if (text.length > 0) system.push({ text });
      continue;
    }
    const next = turn(message, names);
    if (next.parts.length === 0) continue;
    const previous = contents[contents.length - 1];
    if (previous?.role === next.role) previous.parts.push(...next.parts);
    else contents.push(next);
  }
  return system.length > 0 ? { systemInstruction: { parts: system }, contents } : { contents };
}
