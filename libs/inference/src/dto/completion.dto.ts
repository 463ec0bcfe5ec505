import { CommonException } from '@routeiq/common';
import type { CompletionRequest } from '@routeiq/providers';
import {
  checkStreamOptions,
  optionalInteger,
  requireBodyObject,
  requireModel,
} from './request-checks';

/** Checks a `POST /v1/completions` body (legacy text completions). */
export function parseCompletionRequest(body: unknown): CompletionRequest {
  const request = requireBodyObject(body);
  requireModel(request);
  const prompt = request.prompt;
  const valid =
    typeof prompt === 'string' ||
    (Array.isArray(prompt) &&
      prompt.length > 0 &&
      prompt.every(
        (item) => typeof item === 'string' || typeof item === 'number' || Array.isArray(item),
      ));
  if (!valid) {
    throw CommonException.invalidRequest(
      '"prompt" must be a string, an array of strings, or an array of token arrays',
      'prompt',
    );
  }
  checkStreamOptions(request);
  optionalInteger(request, 'n', 1, 128);
  return request as CompletionRequest;
}
