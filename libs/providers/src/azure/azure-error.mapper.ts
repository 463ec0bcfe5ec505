import { ProviderErrorKind } from '../contract/provider-error-kind';
import { ProviderException } from '../contract/provider.exception';
import { mapUpstreamError, type UpstreamHeaders } from '../openai-compatible/upstream-error.mapper';

const POLICY_VIOLATION = 'ResponsibleAIPolicyViolation';
const CONTENT_FILTER = 'content_filter';

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * Whether an Azure error body reports its content filter: `error.code` `content_filter`, or an
 * `innererror.code` `ResponsibleAIPolicyViolation` (the outer code varies between API versions).
 */
export function isAzureContentFilterError(bodyText: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return false;
  }
  const error = asRecord(asRecord(parsed)?.error);
  if (!error) return false;
  return error.code === CONTENT_FILTER || asRecord(error.innererror)?.code === POLICY_VIOLATION;
}

/** `mapUpstreamError`, except that an Azure content-filter refusal is always `content_policy`. */
export function mapAzureError(
  status: number,
  bodyText: string,
  headers: UpstreamHeaders,
): ProviderException {
  const mapped = mapUpstreamError(status, bodyText, headers);
  if (mapped.kind === ProviderErrorKind.ContentPolicy || status >= 500) return mapped;
  if (!isAzureContentFilterError(bodyText)) return mapped;
  return new ProviderException(
    {
      status: mapped.status,
      code: mapped.code,
      type: mapped.type,
      param: mapped.param,
      message: mapped.message,
      headers: mapped.headers,
    },
    ProviderErrorKind.ContentPolicy,
  );
}
