import { CommonException } from '@routeiq/common';
import type { EmbeddingRequest } from '@routeiq/providers';
import { optionalInteger, requireBodyObject, requireModel } from './request-checks';

/** Checks a `POST /v1/embeddings` body. */
export function parseEmbeddingRequest(body: unknown): EmbeddingRequest {
  const request = requireBodyObject(body);
  requireModel(request);
  const input = request.input;
  const valid =
    (typeof input === 'string' && input.length > 0) || (Array.isArray(input) && input.length > 0);
  if (!valid) {
    throw CommonException.invalidRequest(
      '"input" must be a non-empty string or a non-empty array',
      'input',
    );
  }
  const format = request.encoding_format;
  if (format !== undefined && format !== null && format !== 'float' && format !== 'base64') {
    throw CommonException.invalidRequest(
      '"encoding_format" must be "float" or "base64"',
      'encoding_format',
    );
  }
  optionalInteger(request, 'dimensions', 1, 65536);
  return request as EmbeddingRequest;
}
