import type { ChatCompletionRequest } from '@routeiq/providers';
import {
  checkStreamOptions,
  isObject,
  optionalInteger,
  optionalString,
  requireBodyObject,
  requireModel,
} from './request-checks';
import { CommonException } from '@routeiq/common';

const MAX_CHOICES = 128;

/** Checks a `POST /v1/chat/completions` body; every other field passes through untouched. */
export function parseChatCompletionRequest(body: unknown): ChatCompletionRequest {
  const request = requireBodyObject(body);
  requireModel(request);
  checkMessages(request.messages);
  checkStreamOptions(request);
  optionalInteger(request, 'n', 1, MAX_CHOICES);
  optionalString(request, 'mock_response');
  if (request.tools !== undefined && request.tools !== null) {
    if (!Array.isArray(request.tools) || !request.tools.every(isObject)) {
      throw CommonException.invalidRequest('"tools" must be an array of objects', 'tools');
    }
  }
  return request as ChatCompletionRequest;
}

function checkMessages(messages: unknown): void {
  if (messages === undefined || messages === null) {
    throw CommonException.invalidRequest('Missing required parameter: "messages"', 'messages');
  }
  if (!Array.isArray(messages) || messages.length === 0) {
    throw CommonException.invalidRequest('"messages" must be a non-empty array', 'messages');
  }
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    if (!isObject(message)) {
      throw CommonException.invalidRequest(`"messages[${i}]" must be an object`, `messages[${i}]`);
    }
    if (typeof message.role !== 'string' || message.role.length === 0) {
      throw CommonException.invalidRequest(
        `"messages[${i}].role" must be a non-empty string`,
        `messages[${i}].role`,
      );
    }
  }
}
