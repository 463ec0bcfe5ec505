import { CommonException } from '@routeiq/common';
import type { ChatCompletionRequest, ChatMessage } from '@routeiq/providers';
import type {
  AnthropicContentBlock,
  AnthropicImageBlock,
  AnthropicMessageParam,
  AnthropicMessagesRequest,
  AnthropicTextBlock,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicToolResultBlock,
} from './anthropic-messages.types';

type ContentPart =
  { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** Translates a validated Anthropic Messages request into the gateway's pivot, OpenAI chat. */
export function toChatCompletionRequest(request: AnthropicMessagesRequest): ChatCompletionRequest {
  const chat: ChatCompletionRequest = {
    model: request.model,
    messages: toChatMessages(request),
    max_tokens: request.max_tokens,
  };
  if (request.stop_sequences?.length) chat.stop = request.stop_sequences;
  if (typeof request.temperature === 'number') chat.temperature = request.temperature;
  if (typeof request.top_p === 'number') chat.top_p = request.top_p;
  // top_k has no OpenAI counterpart: dropped.
  if (request.tools?.length) chat.tools = request.tools.map(toFunctionTool);
  if (request.tool_choice) applyToolChoice(chat, request.tool_choice);
  if (typeof request.metadata?.user_id === 'string') chat.user = request.metadata.user_id;
  if (request.stream === true) {
    chat.stream = true;
    // message_delta must carry output_tokens: the usage chunk is always asked for.
    chat.stream_options = { include_usage: true };
  }
  return chat;
}

/** The system prompt first, then each turn; one Anthropic turn may become several messages. */
export function toChatMessages(
  request: Pick<AnthropicMessagesRequest, 'system' | 'messages'>,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const system = systemText(request.system);
  if (system) messages.push({ role: 'system', content: system });
  request.messages.forEach((message, i) => {
    if (message.role === 'assistant') messages.push(assistantMessage(message, i));
    else messages.push(...userMessages(message, i));
  });
  return messages;
}

function systemText(system: AnthropicMessagesRequest['system']): string {
  if (system === undefined || typeof system === 'string') return system ?? '';
  return system.map((block) => block.text).join('\n');
}

/**
 * Blocks echoed back with no place in the pivot, skipped: thinking is the upstream's own
 * reasoning; MCP blocks are calls the gateway's tool loop ran, whose effect the answer that
 * followed them holds.
 */
const SKIPPED_BLOCKS: ReadonlySet<string> = new Set([
  'thinking',
  'redacted_thinking',
  'mcp_tool_use',
  'mcp_tool_result',
]);

function assistantMessage(message: AnthropicMessageParam, i: number): ChatMessage {
  if (typeof message.content === 'string') return { role: 'assistant', content: message.content };
  let text = '';
  const toolCalls: unknown[] = [];
  message.content.forEach((block, j) => {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') {
      const { id, name, input } = block as { id?: unknown; name?: unknown; input?: unknown };
      if (typeof id !== 'string' || typeof name !== 'string') {
        throw invalidBlock(i, j, 'a tool_use block needs a string "id" and "name"');
      }
      const args = JSON.stringify(input ?? {});
      toolCalls.push({ id, type: 'function', function: { name, arguments: args } });
    } else if (!SKIPPED_BLOCKS.has(block.type)) {
      throw invalidBlock(i, j, `content blocks of type "${block.type}" are not supported here`);
    }
  });
  if (toolCalls.length === 0) return { role: 'assistant', content: text };
  return { role: 'assistant', content: text || null, tool_calls: toolCalls };
}

/** Anthropic puts MCP blocks in assistant turns; a client that moved them to a user turn is forgiven. */
const MCP_BLOCKS: ReadonlySet<string> = new Set(['mcp_tool_use', 'mcp_tool_result']);

/**
 * Tool results become `tool` messages, placed first: they must directly follow the assistant
 * message that made the calls (Anthropic also requires them first in the user turn).
 */
function userMessages(message: AnthropicMessageParam, i: number): ChatMessage[] {
  if (typeof message.content === 'string') return [{ role: 'user', content: message.content }];
  const tools: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  message.content.forEach((block, j) => {
    if (block.type === 'tool_result') tools.push(toolMessage(block, i, j));
    else if (!MCP_BLOCKS.has(block.type)) parts.push(userPart(block, i, j));
  });
  if (parts.length === 0) return tools;
  const only = parts[0];
  const content = parts.length === 1 && only?.type === 'text' ? only.text : parts;
  return [...tools, { role: 'user', content }];
}

function userPart(block: AnthropicContentBlock, i: number, j: number): ContentPart {
  if (block.type === 'text') {
    const text = block.text;
    if (typeof text !== 'string') throw invalidBlock(i, j, 'a text block needs a string "text"');
    return { type: 'text', text };
  }
  if (block.type === 'image') return imagePart(block, i, j);
  throw invalidBlock(i, j, `content blocks of type "${block.type}" are not supported here`);
}

function imagePart(block: AnthropicImageBlock, i: number, j: number): ContentPart {
  const source = block.source as Record<string, unknown> | undefined;
  if (source?.type === 'base64' && typeof source.data === 'string') {
    const mediaType = typeof source.media_type === 'string' ? source.media_type : 'image/png';
    return { type: 'image_url', image_url: { url: `data:${mediaType};base64,${source.data}` } };
  }
  if (source?.type === 'url' && typeof source.url === 'string') {
    return { type: 'image_url', image_url: { url: source.url } };
  }
  throw invalidBlock(i, j, 'an image block needs a base64 or url "source"');
}

function toolMessage(block: AnthropicToolResultBlock, i: number, j: number): ChatMessage {
  if (typeof block.tool_use_id !== 'string') {
    throw invalidBlock(i, j, 'a tool_result block needs a string "tool_use_id"');
  }
  const text = toolResultText(block.content);
  // The pivot's tool message has no error flag: the model learns it from the text.
  const content = block.is_error === true ? `Error: ${text}` : text;
  return { role: 'tool', tool_call_id: block.tool_use_id, content };
}

/** Text of a tool result; image parts cannot travel in an OpenAI tool message and are left out. */
function toolResultText(content: AnthropicToolResultBlock['content']): string {
  if (content === undefined || typeof content === 'string') return content ?? '';
  return content
    .filter((part): part is AnthropicTextBlock => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

function toFunctionTool(tool: AnthropicTool): unknown {
  const fn: Record<string, unknown> = { name: tool.name, parameters: tool.input_schema };
  if (typeof tool.description === 'string') fn.description = tool.description;
  return { type: 'function', function: fn };
}

function applyToolChoice(chat: ChatCompletionRequest, choice: AnthropicToolChoice): void {
  if (choice.type === 'auto') chat.tool_choice = 'auto';
  else if (choice.type === 'any') chat.tool_choice = 'required';
  else if (choice.type === 'none') chat.tool_choice = 'none';
  else chat.tool_choice = { type: 'function', function: { name: choice.name } };
  if (choice.disable_parallel_tool_use === true && chat.tools) chat.parallel_tool_calls = false;
}

function invalidBlock(i: number, j: number, message: string): CommonException {
  return CommonException.invalidRequest(
    `messages.${i}.content.${j}: ${message}`,
    `messages.${i}.content.${j}`,
  );
}
