import { CommonException } from '@routeiq/common';
import {
  isObject,
  optionalBoolean,
  optionalInteger,
  optionalObject,
  optionalString,
  requireBodyObject,
  requireModel,
  type JsonObject,
} from '../dto/request-checks';
import { ResponsesException } from './responses.exception';
import type { ResponsesRequest } from './responses.types';

/** OpenAI's own ceiling is lower for every model; this only refuses nonsense. */
const MAX_OUTPUT_TOKENS = 1_000_000;
const TOOL_CHOICES = new Set(['auto', 'required', 'none']);
const TEXT_FORMATS = new Set(['text', 'json_object', 'json_schema']);

function fail(message: string, param: string): never {
  throw CommonException.invalidRequest(message, param);
}

/**
 * Checks a `POST /v1/responses` body: the fields the translation relies on. Input items are
 * checked as they are translated (see responses-request.mapper.ts).
 */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  const request = requireBodyObject(body);
  requireModel(request);
  const previous = request.previous_response_id;
  if (previous !== undefined && previous !== null && typeof previous !== 'string') {
    fail('"previous_response_id" must be a string', 'previous_response_id');
  }
  checkInput(request.input);
  optionalString(request, 'instructions');
  optionalBoolean(request, 'stream');
  optionalBoolean(request, 'store');
  optionalBoolean(request, 'parallel_tool_calls');
  optionalInteger(request, 'max_output_tokens', 1, MAX_OUTPUT_TOKENS);
  optionalNumber(request, 'temperature');
  optionalNumber(request, 'top_p');
  optionalObject(request, 'metadata');
  optionalString(request, 'user');
  checkTools(request.tools);
  checkToolChoice(request.tool_choice);
  checkText(request.text);
  return request as unknown as ResponsesRequest;
}

function optionalNumber(body: JsonObject, key: string): void {
  const value = body[key];
  if (value !== undefined && value !== null && typeof value !== 'number') {
    fail(`"${key}" must be a number`, key);
  }
}

function checkInput(input: unknown): void {
  if (input === undefined || input === null) fail('Missing required parameter: "input"', 'input');
  if (typeof input === 'string') return;
  if (!Array.isArray(input) || input.length === 0) {
    fail('"input" must be a string or a non-empty array of input items', 'input');
  }
  input.forEach((item: unknown, i) => {
    if (!isObject(item)) fail(`input[${i}]: must be an object`, `input[${i}]`);
  });
}

function checkTools(tools: unknown): void {
  if (tools === undefined || tools === null) return;
  if (!Array.isArray(tools)) fail('"tools" must be an array', 'tools');
  tools.forEach((tool: unknown, i) => {
    if (!isObject(tool) || typeof tool.type !== 'string') {
      fail(`tools[${i}].type: must be a string`, `tools[${i}].type`);
    }
    // MCP entries are checked where they are resolved, as on chat (`HostedToolProvider`).
    if (tool.type === 'mcp') return;
    if (tool.type !== 'function')
      throw ResponsesException.unsupportedTool(tool.type, `tools[${i}]`);
    if (typeof tool.name !== 'string' || tool.name.length === 0) {
      fail(`tools[${i}].name: must be a non-empty string`, `tools[${i}].name`);
    }
    optionalObject(tool, 'parameters');
  });
}

function checkToolChoice(choice: unknown): void {
  if (choice === undefined || choice === null) return;
  if (typeof choice === 'string' && TOOL_CHOICES.has(choice)) return;
  if (isObject(choice) && choice.type === 'function' && typeof choice.name === 'string') return;
  if (isObject(choice) && typeof choice.type === 'string' && choice.type !== 'function') {
    throw ResponsesException.unsupportedTool(choice.type, 'tool_choice');
  }
  fail(
    '"tool_choice" must be "auto", "required", "none" or {"type": "function", "name": ...}',
    'tool_choice',
  );
}

function checkText(text: unknown): void {
  if (text === undefined || text === null) return;
  if (!isObject(text)) fail('"text" must be an object', 'text');
  const format = text.format;
  if (format === undefined || format === null) return;
  if (!isObject(format) || typeof format.type !== 'string' || !TEXT_FORMATS.has(format.type)) {
    fail('text.format.type: must be one of "text", "json_object", "json_schema"', 'text.format');
  }
  if (format.type !== 'json_schema') return;
  if (typeof format.name !== 'string' || !isObject(format.schema)) {
    fail(
      'text.format: a json_schema format needs a string "name" and an object "schema"',
      'text.format',
    );
  }
}
