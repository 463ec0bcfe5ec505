import type { EmbeddingRequest, EmbeddingResponse } from '../contract/openai-wire.types';
import { ProviderException } from '../contract/provider.exception';
import type { GeminiBatchEmbedRequest, GeminiBatchEmbedResponse } from './gemini.types';

function inputs(input: unknown): string[] {
  const list = Array.isArray(input) ? input : [input];
  if (list.length === 0 || !list.every((item): item is string => typeof item === 'string')) {
    // Token arrays are OpenAI-specific: Gemini embeds text only.
    throw new ProviderException({
      status: 400,
      code: 'invalid_request',
      type: 'invalid_request_error',
      param: 'input',
      message: 'Gemini embeddings take a string or an array of strings as input',
    });
  }
  return list;
}

/** `input` as one `batchEmbedContents` body; `dimensions` → `outputDimensionality`. */
export function toGeminiEmbedRequest(
  request: EmbeddingRequest,
  upstreamModel: string,
): GeminiBatchEmbedRequest {
  return {
    requests: inputs(request.input).map((text) => ({
      model: `models/${upstreamModel}`,
      content: { parts: [{ text }] },
      ...(request.dimensions !== undefined ? { outputDimensionality: request.dimensions } : {}),
    })),
  };
}

function encode(values: number[], format: EmbeddingRequest['encoding_format']): number[] | string {
  return format === 'base64'
    ? Buffer.from(new Float32Array(values).buffer).toString('base64')
    : values;
}

/**
 * Gemini's embeddings in OpenAI's shape. Gemini reports no token counts for embeddings, so usage is
 * zero (cost tracking for Gemini embeddings needs a token estimate upstream of this).
 */
export function toEmbeddingResponse(
  response: GeminiBatchEmbedResponse,
  request: EmbeddingRequest,
  model: string,
): EmbeddingResponse {
  return {
    object: 'list',
    model,
    data: (response.embeddings ?? []).map((embedding, index) => ({
      object: 'embedding',
      index,
      embedding: encode(embedding.values ?? [], request.encoding_format),
    })),
    usage: { prompt_tokens: 0, total_tokens: 0 },
  };
}
