import { CommonException } from '@routeiq/common';
import type { ChatCompletionRequest, ChatMessage } from '@routeiq/providers';
import { isObject } from '../dto/request-checks';
import { PREFERRED_DEPLOYMENT } from './preferred-deployment';
import { continueConversation, type StoredConversation } from './responses-conversation.mapper';
import type {
  ResponsesContentPart,
  ResponsesFunctionTool,
  ResponsesRequest,
  ResponsesTextFormat,
  ResponsesToolChoice,
} from './responses.types';

/**
 * The Responses request a chat request was translated from, kept beside it (a symbol key never
 * reaches an upstream's JSON body) so the answer can echo the client's own fields.
 */
export const RESPONSES_SOURCE = Symbol('responses.source');

export type ResponsesChatRequest = ChatCompletionRequest & {
  [RESPONSES_SOURCE]: ResponsesRequest;
  [PREFERRED_DEPLOYMENT]?: string;
};

type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: string } };

/**
 * Translates a validated Responses request into the gateway's pivot, OpenAI chat; a continuation
 * (`previous_response_id`) starts from the stored conversation and goes back to its deployment.
 */
export function toChatCompletionRequest(
  request: ResponsesRequest,
  previous?: StoredConversation,
): ResponsesChatRequest {
  const own = toChatMessages(request);
  const chat: ResponsesChatRequest = {
    model: request.model,
    messages: previous ? continueConversation(previous, own, Boolean(request.instructions)) : own,
    [RESPONSES_SOURCE]: request,
  };
  if (previous) chat[PREFERRED_DEPLOYMENT] = previous.deploymentId;
  if (typeof request.max_output_tokens === 'number') chat.max_tokens = request.max_output_tokens;
  if (typeof request.temperature === 'number') chat.temperature = request.temperature;
  if (typeof request.top_p === 'number') chat.top_p = request.top_p;
  if (typeof request.user === 'string') chat.user = request.user;
  if (request.tools?.length) {
    // MCP entries stay as they are: the hosted tool path expands them (see HostedToolResponses).
    chat.tools = request.tools.map((tool) => (tool.type === 'mcp' ? tool : toFunctionTool(tool)));
    if (typeof request.parallel_tool_calls === 'boolean') {
      chat.parallel_tool_calls = request.parallel_tool_calls;
    }
  }
  if (request.tool_choice) chat.tool_choice = toToolChoice(request.tool_choice);
  const format = request.text?.format;
  if (format && format.type !== 'text') chat.response_format = toResponseFormat(format);
  const effort = (request as { reasoning?: { effort?: unknown } }).reasoning?.effort;
  if (typeof effort === 'string') chat.reasoning_effort = effort;
  if (request.stream === true) {
    chat.stream = true;
    // response.completed must carry the usage: the usage chunk is always asked for.
    chat.stream_options = { include_usage: true };
  }
  return chat;
}

/** Input items with no place in the pivot: skipped (see docs/api.md, Responses). */
const DROPPED_ITEMS: ReadonlySet<string> = new Set(['reasoning', 'mcp_list_tools', 'mcp_call']);

/** Instructions first, then each input item; consecutive function calls share one message. */
export function toChatMessages(request: ResponsesRequest): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (request.instructions) messages.push({ role: 'system', content: request.instructions });
  if (typeof request.input === 'string') {
    messages.push({ role: 'user', content: request.input });
    return messages;
  }
  request.input.forEach((raw, i) => {
    const item = raw as unknown as Record<string, unknown>;
    const type = item.type ?? 'message';
    if (type === 'message') messages.push(message(item, i));
    else if (type === 'function_call') addToolCall(messages, item, i);
    else if (type === 'function_call_output') messages.push(toolMessage(item, i));
    // Reasoning items are the upstream's own reasoning echoed back: the pivot has no slot. MCP
    // items are output the gateway's own tool loop made; the answer that follows holds their effect.
    else if (!DROPPED_ITEMS.has(type as string))
      throw invalidItem(i, `items of type ${JSON.stringify(type)} are not supported here`);
  });
  return messages;
}

function message(item: Record<string, unknown>, i: number): ChatMessage {
  const role = item.role;
  if (role !== 'user' && role !== 'assistant' && role !== 'system' && role !== 'developer') {
    throw invalidItem(i, 'role must be "user", "assistant", "system" or "developer"');
  }
  // `developer` is OpenAI-only; every provider understands `system`.
  const chatRole = role === 'developer' ? 'system' : role;
  const content = item.content;
  if (typeof content === 'string') return { role: chatRole, content };
  if (!Array.isArray(content)) throw invalidItem(i, 'content must be a string or an array');
  const parts = content.map((part: unknown, j) => contentPart(part, i, j));
  const only = parts[0];
  if (chatRole !== 'user' || (parts.length === 1 && only?.type === 'text')) {
    if (parts.some((part) => part.type !== 'text')) {
      throw invalidItem(i, `a ${role} message can only hold text`);
    }
    return {
      role: chatRole,
      content: parts.map((part) => (part as { text: string }).text).join(''),
    };
  }
  return { role: chatRole, content: parts };
}

function contentPart(part: unknown, i: number, j: number): ContentPart {
  const p = (isObject(part) ? part : {}) as ResponsesContentPart;
  if (p.type === 'input_text' || p.type === 'output_text' || p.type === 'text') {
    if (typeof p.text !== 'string') throw invalidItem(i, `content[${j}] needs a string "text"`);
    return { type: 'text', text: p.text };
  }
  if (p.type === 'input_image') {
    if (typeof p.image_url !== 'string') {
      throw invalidItem(i, `content[${j}] needs an "image_url" (file_id images need storage)`);
    }
    const image: { url: string; detail?: string } = { url: p.image_url };
    if (typeof p.detail === 'string') image.detail = p.detail;
    return { type: 'image_url', image_url: image };
  }
  throw invalidItem(i, `content parts of type "${String(p.type)}" are not supported here`);
}

/** A call joins the assistant message before it (its text, or calls made in the same turn). */
function addToolCall(messages: ChatMessage[], item: Record<string, unknown>, i: number): void {
  const { call_id: callId, name, arguments: args } = item;
  if (typeof callId !== 'string' || typeof name !== 'string' || typeof args !== 'string') {
    throw invalidItem(i, 'a function_call needs string "call_id", "name" and "arguments"');
  }
  const call = { id: callId, type: 'function', function: { name, arguments: args } };
  const last = messages[messages.length - 1];
  if (last?.role === 'assistant') {
    last.tool_calls = [...(last.tool_calls ?? []), call];
    if (last.content === '') last.content = null;
    return;
  }
  messages.push({ role: 'assistant', content: null, tool_calls: [call] });
}

function toolMessage(item: Record<string, unknown>, i: number): ChatMessage {
  if (typeof item.call_id !== 'string') {
    throw invalidItem(i, 'a function_call_output needs a string "call_id"');
  }
  return { role: 'tool', tool_call_id: item.call_id, content: outputText(item.output) };
}

/** Output may be a string or content parts; only text travels in an OpenAI tool message. */
function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) {
    return output
      .map((part: unknown) => (isObject(part) && typeof part.text === 'string' ? part.text : ''))
      .join('');
  }
  return output === undefined ? '' : JSON.stringify(output);
}

function toFunctionTool(tool: ResponsesFunctionTool): unknown {
  const fn: Record<string, unknown> = { name: tool.name };
  if (typeof tool.description === 'string') fn.description = tool.description;
  if (tool.parameters) fn.parameters = tool.parameters;
  if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

function toToolChoice(choice: ResponsesToolChoice): unknown {
  if (typeof choice === 'string') return choice;
  return { type: 'function', function: { name: choice.name } };
}

function toResponseFormat(format: Exclude<ResponsesTextFormat, { type: 'text' }>): unknown {
  if (format.type === 'json_object') return { type: 'json_object' };
  const schema: Record<string, unknown> = { name: format.name, schema: format.schema };
  if (typeof format.description === 'string') schema.description = format.description;
  if (typeof format.strict === 'boolean') schema.strict = format.strict;
  return { type: 'json_schema', json_schema: schema };
}

function invalidItem(i: number, message: string): CommonException {
  return CommonException.invalidRequest(`input[${i}]: ${message}`, `input[${i}]`);
}
