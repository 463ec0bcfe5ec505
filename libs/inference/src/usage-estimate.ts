import type { GatewayRequest } from '@routeiq/common';
import type { InferenceRequestShape } from './inference-operation';

/** Roughly four bytes of JSON per token: cheap, and on the safe (high) side for prose. */
const BYTES_PER_TOKEN = 4;

/**
 * What a request may cost, for the quota reservation made before the upstream call: input tokens
 * from the body size (no tokenizer on the request path), output tokens from `max_tokens`.
 */
export function estimateTokens(
  req: GatewayRequest,
  request: InferenceRequestShape,
  outputTokensEstimate: (maxTokens: number | undefined) => number,
): { inputTokens: number; outputTokens: number } {
  const bytes = Number(req.headers['content-length']) || 0;
  const inputTokens = Math.ceil(bytes / BYTES_PER_TOKEN);
  const fields = request as { max_tokens?: unknown; max_completion_tokens?: unknown };
  const cap = fields.max_completion_tokens ?? fields.max_tokens;
  const outputTokens = outputTokensEstimate(
    typeof cap === 'number' && Number.isFinite(cap) && cap >= 0 ? cap : undefined,
  );
  return { inputTokens, outputTokens };
}
