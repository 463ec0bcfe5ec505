import { errorTypeForStatus, scrubSecrets } from '@routeiq/common';
import { classifyUpstreamError, ProviderErrorKind } from '../contract/provider-error-kind';
import { ProviderErrorCode, ProviderException } from '../contract/provider.exception';
import type { UpstreamHeaders } from '../openai-compatible/upstream-error.mapper';

const SNIPPET_CHARS = 200;
const RETRY_DELAY = /^(\d+(?:\.\d+)?)s$/;
// Gemini words an over-long prompt its own way; classifyUpstreamError does not know this phrase.
const CONTEXT_PHRASE = 'exceeds the maximum number of tokens';

interface GoogleError {
  message?: string;
  status?: string;
  details?: unknown[];
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Reads `{ error: { code, message, status, details } }` (or a one-element array of it). */
export function parseGoogleError(bodyText: string): GoogleError | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const root: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
  const error = asRecord(asRecord(root)?.error);
  if (!error) return undefined;
  return {
    message: optionalString(error.message),
    status: optionalString(error.status),
    details: Array.isArray(error.details) ? error.details : undefined,
  };
}

function detail(error: GoogleError, key: 'reason' | 'retryDelay'): string | undefined {
  for (const entry of error.details ?? []) {
    const value = optionalString(asRecord(entry)?.[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

function kindOf(status: number, error: GoogleError | undefined): ProviderErrorKind {
  // An invalid key is a 400 INVALID_ARGUMENT at Google; retrying elsewhere will not fix it.
  if (error && detail(error, 'reason') === 'API_KEY_INVALID') return ProviderErrorKind.Auth;
  const message = error?.message ?? '';
  if (status === 400 && message.includes(CONTEXT_PHRASE)) {
    return ProviderErrorKind.ContextWindowExceeded;
  }
  return classifyUpstreamError(status, { code: error?.status, message });
}

/** `retry-after` from the upstream header, else from Google's RetryInfo (`"32s"`). */
function retryAfter(headers: UpstreamHeaders, error: GoogleError | undefined): string | undefined {
  const header = headers['retry-after'];
  if (header !== undefined) return Array.isArray(header) ? header[0] : header;
  const delay = error ? RETRY_DELAY.exec(detail(error, 'retryDelay') ?? '') : null;
  return delay ? String(Math.ceil(Number(delay[1]))) : undefined;
}

function fallbackMessage(status: number, bodyText: string): string {
  const flat = bodyText.replace(/\s+/g, ' ').trim().slice(0, SNIPPET_CHARS);
  return flat ? `Upstream returned HTTP ${status}: ${flat}` : `Upstream returned HTTP ${status}`;
}

/**
 * A Gemini non-2xx answer as a `ProviderException`: the HTTP status kept, `code` the lower-cased
 * Google status (`resource_exhausted`, `invalid_argument`, …), the kind classified for routing.
 */
export function mapGeminiError(
  status: number,
  bodyText: string,
  headers: UpstreamHeaders,
): ProviderException {
  const error = parseGoogleError(bodyText);
  const after = retryAfter(headers, error);
  return new ProviderException(
    {
      status,
      code: error?.status?.toLowerCase() ?? ProviderErrorCode.UpstreamHttpError,
      type: errorTypeForStatus(status),
      message: scrubSecrets(error?.message ?? fallbackMessage(status, bodyText)),
      headers: after === undefined ? undefined : { 'retry-after': after },
    },
    kindOf(status, error),
  );
}
