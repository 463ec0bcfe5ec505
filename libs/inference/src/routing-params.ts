import { CommonException } from '@routeiq/common';
import type { InferenceRequestShape } from './inference-operation';

/** LiteLLM's request-level routing settings: read by the gateway, never sent upstream. */
export interface RequestRouting {
  /** `timeout` (seconds): the whole request's deadline. */
  readonly timeoutMs?: number;
  /** `num_retries`: this request's retries within a model group. */
  readonly numRetries?: number;
}

const NONE: RequestRouting = {};

/**
 * Takes `timeout` and `num_retries` out of a request body (a shallow copy only when one is
 * present, so the usual request costs two property reads).
 */
export function takeRoutingParams<T extends InferenceRequestShape>(
  request: T,
): { request: T; routing: RequestRouting } {
  const fields = request as unknown as Record<string, unknown>;
  const timeout = fields.timeout;
  const retries = fields.num_retries;
  if (timeout === undefined && retries === undefined) return { request, routing: NONE };
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0))) {
    throw CommonException.invalidRequest(
      '"timeout" must be a positive number of seconds',
      'timeout',
    );
  }
  if (retries !== undefined && (!Number.isInteger(retries) || (retries as number) < 0)) {
    throw CommonException.invalidRequest('"num_retries" must be an integer >= 0', 'num_retries');
  }
  const { timeout: _timeout, num_retries: _retries, ...rest } = fields;
  return {
    request: rest as unknown as T,
    routing: {
      ...(typeof timeout === 'number' && { timeoutMs: Math.round(timeout * 1000) }),
      ...(typeof retries === 'number' && { numRetries: retries }),
    },
  };
}
