import { scrubSecrets, type GatewayErrorType } from '@routeiq/common';
import { classifyUpstreamError } from '../contract/provider-error-kind';
import { ProviderErrorCode, ProviderException } from '../contract/provider.exception';
// Re-exported: part of the lib's API since before the HTTP helpers moved to http/.
export { MAX_ERROR_BODY_BYTES, readCappedText } from '../http/capped-body';

const SNIPPET_CHARS = 200;
const WHITESPACE_RUNS = /\s+/g;

const KNOWN_ERROR_TYPES: ReadonlySet<string> = new Set<GatewayErrorType>([
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'rate_limit_error',
  'api_error',
  'server_error',
  'timeout_error',
]);

export type UpstreamHeaders = Readonly<Record<string, string | string[] | undefined>>;

interface OpenAiErrorFields {
  message: string;
  type?: GatewayErrorType;
  code?: string;
  param?: string;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Reads `{ error: { message, type, code, param } }`, or `undefined` if the body is not that shape. */
export function parseOpenAiError(bodyText: string): OpenAiErrorFields | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const error = asRecord(asRecord(parsed)?.error);
  const message = optionalString(error?.message);
  if (!error || message === undefined) return undefined;
  const type = optionalString(error.type);
  return {
    message: scrubSecrets(message),
    type:
      type !== undefined && KNOWN_ERROR_TYPES.has(type) ? (type as GatewayErrorType) : undefined,
    code: optionalString(error.code),
    param: optionalString(error.param),
  };
}

function headerValue(headers: UpstreamHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function snippet(bodyText: string): string {
  const flat = bodyText
    .slice(0, SNIPPET_CHARS * 2)
    .replace(WHITESPACE_RUNS, ' ')
    .trim();
  return scrubSecrets(flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}…` : flat);
}

/**
 * Turns an upstream non-2xx answer into a `ProviderException` that keeps the upstream's status, its
 * OpenAI-style message/type/code/param when present, and its `retry-after` header.
 */
export function mapUpstreamError(
  status: number,
  bodyText: string,
  headers: UpstreamHeaders,
): ProviderException {
  const fields = parseOpenAiError(bodyText);
  const retryAfter = headerValue(headers, 'retry-after');
  const text = snippet(bodyText);
  const kind = classifyUpstreamError(status, fields);
  return new ProviderException(
    {
      status,
      code: fields?.code ?? ProviderErrorCode.UpstreamHttpError,
      type: fields?.type,
      param: fields?.param ?? null,
      message:
        fields?.message ??
        (text ? `Upstream returned HTTP ${status}: ${text}` : `Upstream returned HTTP ${status}`),
      headers: retryAfter === undefined ? undefined : { 'retry-after': retryAfter },
    },
    kind,
  );
}
