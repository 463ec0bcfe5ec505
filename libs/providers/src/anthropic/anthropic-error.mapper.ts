import { errorTypeForStatus, scrubSecrets, type GatewayErrorType } from '@routeiq/common';
import { classifyUpstreamError, ProviderErrorKind } from '../contract/provider-error-kind';
import { ProviderErrorCode, ProviderException } from '../contract/provider.exception';
import type { UpstreamHeaders } from '../openai-compatible/upstream-error.mapper';
import type { AnthropicErrorDetail } from './anthropic-wire.types';

const SNIPPET_CHARS = 200;

/** Anthropic error types that are also OpenAI error types (the rest fall back to the status). */
const SHARED_TYPES: ReadonlySet<string> = new Set<GatewayErrorType>([
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'rate_limit_error',
  'api_error',
]);

/** The status Anthropic sends with each error type, for errors that arrive inside a stream. */
const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Reads `{ type: 'error', error: { type, message } }` (or a bare `{ type, message }`). */
export function parseAnthropicError(value: unknown): AnthropicErrorDetail | undefined {
  const record = asRecord(value);
  const error = asRecord(record?.error) ?? record;
  if (typeof error?.type !== 'string' || typeof error.message !== 'string') return undefined;
  return { type: error.type, message: scrubSecrets(error.message) };
}

function headerValue(headers: UpstreamHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseBody(text: string): AnthropicErrorDetail | undefined {
  try {
    return parseAnthropicError(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function fallbackMessage(status: number, text: string): string {
  const flat = text.slice(0, SNIPPET_CHARS).replace(/\s+/g, ' ').trim();
  return flat
    ? `Upstream returned HTTP ${status}: ${scrubSecrets(flat)}`
    : `Upstream returned HTTP ${status}`;
}

/**
 * An Anthropic non-2xx answer as a `ProviderException`: the upstream status and `retry-after` are
 * kept, `code` is Anthropic's error type (e.g. `overloaded_error`), `type` the OpenAI type.
 */
export function mapAnthropicError(
  status: number,
  bodyText: string,
  headers: UpstreamHeaders,
): ProviderException {
  const detail = parseBody(bodyText);
  const retryAfter = headerValue(headers, 'retry-after');
  return new ProviderException(
    {
      status,
      code: detail?.type ?? ProviderErrorCode.UpstreamHttpError,
      type:
        detail && SHARED_TYPES.has(detail.type)
          ? (detail.type as GatewayErrorType)
          : errorTypeForStatus(status),
      message: detail?.message ?? fallbackMessage(status, bodyText),
      headers: retryAfter === undefined ? undefined : { 'retry-after': retryAfter },
    },
    classifyUpstreamError(status, detail ?? {}),
  );
}

/**
 * An `event: error` received after the stream started: `upstream_stream_error`, with the kind the
 * same error would have had as an HTTP answer (e.g. `overloaded_error` → unavailable).
 */
export function mapAnthropicStreamError(detail: AnthropicErrorDetail): ProviderException {
  const status = STATUS_BY_TYPE[detail.type] ?? 502;
  const kind =
    status === 502 ? ProviderErrorKind.Unavailable : classifyUpstreamError(status, detail);
  return new ProviderException(
    {
      status: status >= 500 ? 502 : status,
      code: ProviderErrorCode.UpstreamStreamError,
      type: 'api_error',
      message: `${detail.type}: ${detail.message}`,
    },
    kind,
  );
}
