import { CommonErrorCode } from '@routeiq/common';
import type { ChatMessage } from '../contract/openai-wire.types';
import { ProviderErrorKind } from '../contract/provider-error-kind';
import { ProviderException } from '../contract/provider.exception';
import type { ConverseContentBlock, ConverseImageFormat, ConverseMessage } from './bedrock.types';

const DATA_URL = /^data:image\/([a-z0-9.+-]+);base64,(.*)$/is;
const IMAGE_FORMATS: Readonly<Record<string, ConverseImageFormat>> = {
  png: 'png',
  jpeg: 'jpeg',
  jpg: 'jpeg',
  gif: 'gif',
  webp: 'webp',
};

/** A request Bedrock cannot take as written: 400 before anything goes upstream. */
export function invalidBedrockRequest(message: string, param: string): ProviderException {
  return new ProviderException(
    { status: 400, code: CommonErrorCode.InvalidRequest, message, param },
    ProviderErrorKind.BadRequest,
  );
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function imageBlock(part: Record<string, unknown>, param: string): ConverseContentBlock {
  const imageUrl = part.image_url;
  const url = typeof imageUrl === 'string' ? imageUrl : asRecord(imageUrl)?.url;
  const match = typeof url === 'string' ? DATA_URL.exec(url) : null;
  if (!match) {
    throw invalidBedrockRequest(
      'Bedrock accepts images only as base64 data URLs (data:image/png;base64,...)',
      param,
    );
  }
  const format = IMAGE_FORMATS[match[1]!.toLowerCase()];
  if (!format) {
    throw invalidBedrockRequest(`Bedrock does not accept image/${match[1]} images`, param);
  }
  return { image: { format, source: { bytes: match[2]!.replace(/\s+/g, '') } } };
}

/** OpenAI `content` (a string or an array of parts) → Converse blocks; blank text is dropped. */
export function contentBlocks(content: unknown, param: string): ConverseContentBlock[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (!Array.isArray(content))
    throw invalidBedrockRequest('content must be a string or a list', param);
  return content.flatMap((raw, i): ConverseContentBlock[] => {
    const part = asRecord(raw);
    const partParam = `${param}[${i}]`;
    if (part?.type === 'text' && typeof part.text === 'string') {
      return part.text === '' ? [] : [{ text: part.text }];
    }
    if (part?.type === 'image_url') return [imageBlock(part, partParam)];
    throw invalidBedrockRequest(
      `content part type "${String(part?.type)}" is not supported by Bedrock`,
      partParam,
    );
  });
}

/** Text of a system or tool message, whose content may be a string or text parts. */
export function plainText(content: unknown, param: string): string {
  return contentBlocks(content, param)
    .map((block) => {
      if ('text' in block) return block.text;
      throw invalidBedrockRequest('only text is allowed here', param);
    })
    .join('\n');
}

function toolUseBlocks(toolCalls: unknown[], param: string): ConverseContentBlock[] {
  return toolCalls.map((raw, i) => {
    const call = asRecord(raw);
    const fn = asRecord(call?.function);
    const callParam = `${param}[${i}]`;
    if (typeof call?.id !== 'string' || typeof fn?.name !== 'string') {
      throw invalidBedrockRequest('a tool call needs an id and a function name', callParam);
    }
    const args =
      typeof fn.arguments === 'string' && fn.arguments.trim() !== '' ? fn.arguments : '{}';
    let input: unknown;
    try {
      input = JSON.parse(args);
    } catch {
      throw invalidBedrockRequest(
        'tool call arguments must be JSON',
        `${callParam}.function.arguments`,
      );
    }
    return { toolUse: { toolUseId: call.id, name: fn.name, input } };
  });
}

function toConverse(message: ChatMessage, param: string): ConverseMessage {
  if (message.role === 'user') {
    return { role: 'user', content: contentBlocks(message.content, `${param}.content`) };
  }
  if (message.role === 'assistant') {
    const content = contentBlocks(message.content, `${param}.content`);
    const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
    return {
      role: 'assistant',
      content: [...content, ...toolUseBlocks(calls, `${param}.tool_calls`)],
    };
  }
  if (message.role === 'tool') {
    if (typeof message.tool_call_id !== 'string') {
      throw invalidBedrockRequest('a tool message needs tool_call_id', `${param}.tool_call_id`);
    }
    const text = plainText(message.content, `${param}.content`);
    return {
      role: 'user',
      content: [{ toolResult: { toolUseId: message.tool_call_id, content: [{ text }] } }],
    };
  }
  throw invalidBedrockRequest(
    `message role "${message.role}" is not supported by Bedrock`,
    `${param}.role`,
  );
}

/**
 * Non-system OpenAI messages → Converse messages. Bedrock wants user and assistant turns to
 * alternate, so consecutive turns of one role (several tool results, a tool result then a user
 * message) are merged into one.
 */
export function toConverseMessages(messages: readonly ChatMessage[]): ConverseMessage[] {
  const merged: ConverseMessage[] = [];
  messages.forEach((message, i) => {
    if (message.role === 'system' || message.role === 'developer') return;
    const next = toConverse(message, `messages[${i}]`);
    const last = merged.at(-1);
    if (last?.role === next.role) last.content.push(...next.content);
    else merged.push(next);
  });
  return merged;
}
