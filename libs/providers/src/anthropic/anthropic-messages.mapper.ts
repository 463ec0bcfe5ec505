import type { ChatMessage } from '../contract/openai-wire.types';
import type {
  AnthropicImageBlock,
  AnthropicMessageParam,
  AnthropicRequestContentBlock,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
} from './anthropic-wire.types';
import { AnthropicRequestErrorCode, invalidAnthropicRequest } from './anthropic-request.exception';

/** The system prompt and the alternating user/assistant turns of one request. */
export interface AnthropicConversation {
  system?: AnthropicTextBlock[];
  messages: AnthropicMessageParam[];
}

type Blocks = AnthropicRequestContentBlock[];

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;
const HTTP_URL = /^https?:\/\//i;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function textBlock(text: string, part?: Record<string, unknown>): AnthropicTextBlock {
  const cacheControl = asRecord(part?.cache_control);
  return cacheControl
    ? { type: 'text', text, cache_control: cacheControl as AnthropicTextBlock['cache_control'] }
    : { type: 'text', text };
}

function imageBlock(part: Record<string, unknown>, param: string): AnthropicImageBlock {
  const image = part.image_url;
  const url = typeof image === 'string' ? image : asRecord(image)?.url;
  if (typeof url === 'string') {
    const data = DATA_URL.exec(url);
    if (data) {
      return {
        type: 'image',
        source: { type: 'base64', media_type: data[1] as string, data: data[2] as string },
      };
    }
    if (HTTP_URL.test(url)) return { type: 'image', source: { type: 'url', url } };
  }
  throw invalidAnthropicRequest(
    AnthropicRequestErrorCode.UnsupportedContent,
    'image_url must be a base64 data: URL or an http(s) URL',
    `${param}.image_url`,
  );
}

/** OpenAI content (string or parts) as Anthropic blocks; empty texts are dropped (Anthropic rejects them). */
function contentBlocks(content: unknown, param: string, allowImages: boolean): Blocks {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content.length > 0 ? [textBlock(content)] : [];
  if (!Array.isArray(content)) {
    throw invalidAnthropicRequest(
      AnthropicRequestErrorCode.UnsupportedContent,
      'content must be a string or an array of parts',
      param,
    );
  }
  return content.flatMap((raw: unknown, i): Blocks => {
    const part = asRecord(raw);
    const partParam = `${param}[${i}]`;
    if (part?.type === 'text' && typeof part.text === 'string') {
      return part.text.length > 0 ? [textBlock(part.text, part)] : [];
    }
    if (part?.type === 'image_url' && allowImages) return [imageBlock(part, partParam)];
    throw invalidAnthropicRequest(
      AnthropicRequestErrorCode.UnsupportedContent,
      `content part type "${String(part?.type)}" is not supported by Anthropic here`,
      `${partParam}.type`,
    );
  });
}

function toolUseBlock(raw: unknown, param: string): AnthropicToolUseBlock {
  const call = asRecord(raw);
  const fn = asRecord(call?.function);
  const args = fn?.arguments;
  let input: unknown = {};
  if (typeof args === 'string' && args.trim().length > 0) {
    try {
      input = JSON.parse(args);
    } catch {
      input = undefined;
    }
  }
  const inputRecord = asRecord(input);
  if (!inputRecord || typeof call?.id !== 'string' || typeof fn?.name !== 'string') {
    throw invalidAnthropicRequest(
      AnthropicRequestErrorCode.InvalidToolArguments,
      'tool call arguments must be a JSON object, with an id and a function name',
      `${param}.function.arguments`,
    );
  }
  return { type: 'tool_use', id: call.id, name: fn.name, input: inputRecord };
}

function toolResultBlock(message: ChatMessage, param: string): AnthropicToolResultBlock {
  if (typeof message.tool_call_id !== 'string') {
    throw invalidAnthropicRequest(
      AnthropicRequestErrorCode.UnsupportedContent,
      'a tool message needs a tool_call_id',
      `${param}.tool_call_id`,
    );
  }
  const content = message.content;
  return {
    type: 'tool_result',
    tool_use_id: message.tool_call_id,
    content:
      typeof content === 'string'
        ? content
        : (contentBlocks(content, `${param}.content`, true) as AnthropicToolResultBlock['content']),
  };
}

function turn(message: ChatMessage, param: string): AnthropicMessageParam {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: contentBlocks(message.content, `${param}.content`, true) };
    case 'assistant': {
      const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
      const blocks = contentBlocks(message.content, `${param}.content`, false);
      calls.forEach((call, i) => blocks.push(toolUseBlock(call, `${param}.tool_calls[${i}]`)));
      return { role: 'assistant', content: blocks };
    }
    case 'tool':
      return { role: 'user', content: [toolResultBlock(message, param)] };
    default:
      throw invalidAnthropicRequest(
        AnthropicRequestErrorCode.UnsupportedRole,
        `message role "${message.role}" is not supported by Anthropic`,
        `${param}.role`,
      );
  }
}

/**
 * Splits OpenAI messages into Anthropic's `system` and turns. Anthropic requires user and assistant
 * turns to alternate, so consecutive same-role turns (e.g. several tool results, or a tool result
 * followed by a user message) are merged into one; turns left without content are dropped.
 */
export function toAnthropicConversation(messages: readonly ChatMessage[]): AnthropicConversation {
  const system: AnthropicTextBlock[] = [];
  const turns: AnthropicMessageParam[] = [];
  messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    if (message.role === 'system' || message.role === 'developer') {
      system.push(
        ...(contentBlocks(message.content, `${param}.content`, false) as AnthropicTextBlock[]),
      );
      return;
    }
    const next = turn(message, param);
    const blocks = next.content as Blocks;
    if (blocks.length === 0) return;
    const last = turns[turns.length - 1];
    if (last && last.role === next.role) (last.content as Blocks).push(...blocks);
    else turns.push(next);
  });
  return system.length > 0 ? { system, messages: turns } : { messages: turns };
}
