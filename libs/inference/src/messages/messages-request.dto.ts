import { CommonException } from '@routeiq/common';
import {
  isObject,
  optionalBoolean,
  optionalObject,
  requireBodyObject,
  requireModel,
  type JsonObject,
} from '../dto/request-checks';
import type {
  AnthropicCountTokensRequest,
  AnthropicMessagesRequest,
} from './anthropic-messages.types';
import { checkMcpServers } from './mcp-servers.dto';

/** Anthropic's own ceiling is lower for every model; this only refuses nonsense. */
const MAX_OUTPUT_TOKENS = 1_000_000;
const TOOL_CHOICES = new Set(['auto', 'any', 'none', 'tool']);

function fail(message: string, param: string): never {
  throw CommonException.invalidRequest(message, param);
}

/**
 * Checks a `POST /v1/messages` body: the fields the translation relies on. Content blocks are
 * checked as they are translated (see messages-request.mapper.ts).
 */
export function parseMessagesRequest(body: unknown): AnthropicMessagesRequest {
  const request = parseCountTokensRequest(body) as JsonObject;
  const maxTokens = request.max_tokens;
  if (maxTokens === undefined || maxTokens === null) {
    fail('max_tokens: Field required', 'max_tokens');
  }
  if (
    typeof maxTokens !== 'number' ||
    !Number.isInteger(maxTokens) ||
    maxTokens < 1 ||
    maxTokens > MAX_OUTPUT_TOKENS
  ) {
    fail(`max_tokens: must be an integer between 1 and ${MAX_OUTPUT_TOKENS}`, 'max_tokens');
  }
  optionalBoolean(request, 'stream');
  optionalNumber(request, 'temperature');
  optionalNumber(request, 'top_p');
  optionalNumber(request, 'top_k');
  checkStopSequences(request.stop_sequences);
  checkToolChoice(request.tool_choice);
  optionalObject(request, 'metadata');
  checkMcpServers(request.mcp_servers);
  return request as unknown as AnthropicMessagesRequest;
}

/** Checks a `POST /v1/messages/count_tokens` body: model, messages, system and tools. */
export function parseCountTokensRequest(body: unknown): AnthropicCountTokensRequest {
  const request = requireBodyObject(body);
  requireModel(request);
  checkMessages(request.messages);
  checkSystem(request.system);
  checkTools(request.tools);
  return request as unknown as AnthropicCountTokensRequest;
}

function optionalNumber(body: JsonObject, key: string): void {
  const value = body[key];
  if (value !== undefined && value !== null && typeof value !== 'number') {
    fail(`${key}: must be a number`, key);
  }
}

function checkMessages(messages: unknown): void {
  if (messages === undefined || messages === null) fail('messages: Field required', 'messages');
  if (!Array.isArray(messages) || messages.length === 0) {
    fail('messages: must be a non-empty array', 'messages');
  }
  messages.forEach((message: unknown, i) => {
    if (!isObject(message)) fail(`messages.${i}: must be an object`, `messages.${i}`);
    if (message.role !== 'user' && message.role !== 'assistant') {
      fail(`messages.${i}.role: must be "user" or "assistant"`, `messages.${i}.role`);
    }
    const content = message.content;
    if (typeof content === 'string') return;
    if (
      !Array.isArray(content) ||
      !content.every((block) => isObject(block) && typeof block.type === 'string')
    ) {
      fail(
        `messages.${i}.content: must be a string or an array of content blocks`,
        `messages.${i}.content`,
      );
    }
  });
}

function checkSystem(system: unknown): void {
  if (system === undefined || system === null || typeof system === 'string') return;
  const blocks =
    Array.isArray(system) && system.every((b) => isObject(b) && typeof b.text === 'string');
  if (!blocks) fail('system: must be a string or an array of text blocks', 'system');
}

function checkTools(tools: unknown): void {
  if (tools === undefined || tools === null) return;
  if (!Array.isArray(tools)) fail('tools: must be an array', 'tools');
  tools.forEach((tool: unknown, i) => {
    if (!isObject(tool) || typeof tool.name !== 'string' || tool.name.length === 0) {
      fail(`tools.${i}.name: must be a non-empty string`, `tools.${i}.name`);
    }
    // Server tools (web search, code execution…) run inside Anthropic; the pivot cannot carry them.
    if (!isObject(tool.input_schema)) {
      fail(
        `tools.${i}.input_schema: required (only custom tools are supported by this gateway)`,
        `tools.${i}.input_schema`,
      );
    }
  });
}

function checkStopSequences(stop: unknown): void {
  if (stop === undefined || stop === null) return;
  if (!Array.isArray(stop) || !stop.every((item) => typeof item === 'string')) {
    fail('stop_sequences: must be an array of strings', 'stop_sequences');
  }
}

function checkToolChoice(choice: unknown): void {
  if (choice === undefined || choice === null) return;
  if (!isObject(choice) || typeof choice.type !== 'string' || !TOOL_CHOICES.has(choice.type)) {
    fail('tool_choice.type: must be one of "auto", "any", "none", "tool"', 'tool_choice');
  }
  if (choice.type === 'tool' && (typeof choice.name !== 'string' || choice.name.length === 0)) {
    fail('tool_choice.name: required when tool_choice.type is "tool"', 'tool_choice.name');
  }
}
