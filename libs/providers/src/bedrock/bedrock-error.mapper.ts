import { scrubSecrets } from '@routeiq/common';
import { classifyUpstreamError } from '../contract/provider-error-kind';
import { ProviderErrorCode, ProviderException } from '../contract/provider.exception';
import type { UpstreamHeaders } from '../openai-compatible/upstream-error.mapper';

const MAX_MESSAGE_CHARS = 500;

/** HTTP status of each ConverseStream exception event (AWS's documented status for the error). */
const STREAM_EXCEPTION_STATUS: Readonly<Record<string, number>> = {
  throttlingException: 429,
  validationException: 400,
  accessDeniedException: 403,
  resourceNotFoundException: 404,
  modelTimeoutException: 408,
  internalServerException: 500,
  serviceUnavailableException: 503,
};

function headerValue(headers: UpstreamHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `{ message }` (or `{ Message }`) of an AWS JSON error body. */
export function awsErrorMessage(bodyText: string): string | undefined {
  try {
    const parsed = JSON.parse(bodyText) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const record = parsed as Record<string, unknown>;
    const message = record.message ?? record.Message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

function clean(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return scrubSecrets(
    flat.length > MAX_MESSAGE_CHARS ? `${flat.slice(0, MAX_MESSAGE_CHARS)}…` : flat,
  );
}

/**
 * A non-2xx Bedrock answer → `ProviderException` with the upstream status. The AWS error type comes
 * from `x-amzn-errortype` (`ThrottlingException:http://…` → `ThrottlingException`).
 */
export function mapBedrockHttpError(
  status: number,
  bodyText: string,
  headers: UpstreamHeaders,
): ProviderException {
  const errorType = headerValue(headers, 'x-amzn-errortype')?.split(':')[0] || undefined;
  const message = clean(awsErrorMessage(bodyText) ?? bodyText);
  const retryAfter = headerValue(headers, 'retry-after');
  return new ProviderException(
    {
      status,
      code: ProviderErrorCode.UpstreamHttpError,
      message: `Bedrock ${errorType ?? `HTTP ${status}`}${message ? `: ${message}` : ''}`,
      headers: retryAfter === undefined ? undefined : { 'retry-after': retryAfter },
    },
    classifyUpstreamError(status, { code: errorType, message }),
  );
}

/** An exception (or error) frame in a ConverseStream body → `upstream_stream_error`. */
export function bedrockStreamException(exceptionType: string, bodyText: string): ProviderException {
  const status = STREAM_EXCEPTION_STATUS[exceptionType] ?? 502;
  const message = clean(awsErrorMessage(bodyText) ?? bodyText);
  return new ProviderException(
    {
      status,
      code: ProviderErrorCode.UpstreamStreamError,
      message: `Bedrock ${exceptionType}${message ? `: ${message}` : ''}`,
    },
    classifyUpstreamError(status, { code: exceptionType, message }),
  );
}
