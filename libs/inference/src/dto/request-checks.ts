import { CommonException } from '@routeiq/common';

/**
 * Hand-written shape checks for inference bodies. They run on every request, so they check only
 * what the gateway relies on and leave the rest to the upstream (class-validator's
 * transform-then-validate costs more than the whole proxy hop on large message arrays).
 */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string, param: string): never {
  throw CommonException.invalidRequest(message, param);
}

export function requireBodyObject(body: unknown): JsonObject {
  if (!isObject(body)) fail('The request body must be a JSON object', '');
  return body;
}

/** Longer than any real model name or alias; a longer one is abuse, not a typo. */
export const MAX_MODEL_NAME_LENGTH = 256;

// Characters no model name has, refused before the name reaches a log line, an error message or
// a header: controls (CR/LF log forging, ANSI escapes, NUL), format characters (zero-width, bidi
// overrides, BOM), lone surrogates, line/paragraph separators, and U+FFFD (what invalid UTF-8
// decodes to).
const UNSAFE_MODEL_CHAR = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\uFFFD]/u;

export function requireModel(body: JsonObject): string {
  const model = body.model;
  if (model === undefined || model === null) fail('Missing required parameter: "model"', 'model');
  if (typeof model !== 'string' || model.trim().length === 0) {
    fail('"model" must be a non-empty string', 'model');
  }
  if (model.length > MAX_MODEL_NAME_LENGTH) {
    fail(`"model" must be at most ${MAX_MODEL_NAME_LENGTH} characters`, 'model');
  }
  if (UNSAFE_MODEL_CHAR.test(model)) {
    fail('"model" contains control, invisible or invalid characters', 'model');
  }
  return model;
}

export function optionalBoolean(body: JsonObject, key: string): void {
  const value = body[key];
  if (value !== undefined && value !== null && typeof value !== 'boolean') {
    fail(`"${key}" must be a boolean`, key);
  }
}

export function optionalString(body: JsonObject, key: string): void {
  const value = body[key];
  if (value !== undefined && value !== null && typeof value !== 'string') {
    fail(`"${key}" must be a string`, key);
  }
}

export function optionalInteger(body: JsonObject, key: string, min: number, max: number): void {
  const value = body[key];
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`"${key}" must be an integer between ${min} and ${max}`, key);
  }
}

export function optionalObject(body: JsonObject, key: string): void {
  const value = body[key];
  if (value !== undefined && value !== null && !isObject(value)) {
    fail(`"${key}" must be an object`, key);
  }
}

/** `stream_options` is only valid on a streaming request (OpenAI answers 400 otherwise). */
export function checkStreamOptions(body: JsonObject): void {
  optionalBoolean(body, 'stream');
  optionalObject(body, 'stream_options');
  const options = body.stream_options;
  if (options === undefined || options === null) return;
  if (body.stream !== true) {
    fail('"stream_options" is only allowed when "stream" is true', 'stream_options');
  }
  const includeUsage = (options as JsonObject).include_usage;
  if (includeUsage !== undefined && typeof includeUsage !== 'boolean') {
    fail('"stream_options.include_usage" must be a boolean', 'stream_options.include_usage');
  }
}
