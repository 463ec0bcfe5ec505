/**
 * What went wrong upstream, normalised across providers. Retries and fallbacks (routing) decide on
 * this, never on messages or provider-specific codes.
 */
export enum ProviderErrorKind {
  RateLimited = 'rate_limited',
  ContextWindowExceeded = 'context_window_exceeded',
  ContentPolicy = 'content_policy',
  Auth = 'auth',
  NotFound = 'not_found',
  BadRequest = 'bad_request',
  Unavailable = 'unavailable',
  Timeout = 'timeout',
}

// Provider codes and message fragments that name a context-window or content-policy failure.
const CONTEXT_HINTS = [
  'context_length_exceeded',
  'context window',
  'maximum context length',
  'prompt is too long',
  'too many tokens',
  'input is too long',
];
const POLICY_HINTS = ['content_policy', 'content_filter', 'safety', 'responsibleaipolicy'];

/**
 * Classifies an upstream HTTP error from its status and the provider's own code/type/message
 * (lower-cased matching; the message is consulted only to tell context-window and content-policy
 * failures from other 400s, as every provider words them differently).
 */
export function classifyUpstreamError(
  status: number,
  hints: { code?: string; type?: string; message?: string } = {},
): ProviderErrorKind {
  const text = `${hints.code ?? ''} ${hints.type ?? ''} ${hints.message ?? ''}`.toLowerCase();
  if (status === 429) return ProviderErrorKind.RateLimited;
  if (status === 401 || status === 403) return ProviderErrorKind.Auth;
  if (status === 404) return ProviderErrorKind.NotFound;
  if (status === 408 || status === 504) return ProviderErrorKind.Timeout;
  if (status === 529 || status >= 500) return ProviderErrorKind.Unavailable;
  if (CONTEXT_HINTS.some((hint) => text.includes(hint))) {
    return ProviderErrorKind.ContextWindowExceeded;
  }
  if (POLICY_HINTS.some((hint) => text.includes(hint))) return ProviderErrorKind.ContentPolicy;
  if (text.includes('rate limit') || text.includes('throttl')) return ProviderErrorKind.RateLimited;
  return ProviderErrorKind.BadRequest;
}
