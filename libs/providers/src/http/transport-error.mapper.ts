import { ProviderErrorCode, ProviderException } from '../contract/provider.exception';

/** What error mapping needs to know about the call that failed. */
export interface TransportErrorContext {
  /** Names the deployment (or the origin) in messages. */
  readonly label: string;
  /** The signal the request ran under. */
  readonly signal: AbortSignal;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Timeouts and aborts, or `undefined` when the error is neither. */
function mapTimeoutOrAbort(
  err: unknown,
  ctx: TransportErrorContext,
): ProviderException | undefined {
  if (ctx.signal.aborted) return ProviderException.clientClosed();
  const code = errorCode(err);
  if (code === 'UND_ERR_HEADERS_TIMEOUT')
    return ProviderException.timeout(ctx.label, ctx.headersTimeoutMs);
  if (code === 'UND_ERR_BODY_TIMEOUT')
    return ProviderException.timeout(ctx.label, ctx.bodyTimeoutMs);
  return undefined;
}

/**
 * Maps an undici/socket failure before or while reading a response: timeouts → 504, the caller's abort
 * → 499, anything else (ECONNREFUSED, ENOTFOUND, ECONNRESET, UND_ERR_SOCKET, TLS…) → 502.
 */
export function mapTransportError(err: unknown, ctx: TransportErrorContext): ProviderException {
  if (err instanceof ProviderException) return err;
  return mapTimeoutOrAbort(err, ctx) ?? ProviderException.connection(ctx.label, err);
}

/** A failure after a stream has started (2xx received): `upstream_stream_error`. */
export function streamError(message: string, status = 502, cause?: unknown): ProviderException {
  return new ProviderException({
    status,
    code: ProviderErrorCode.UpstreamStreamError,
    type: 'api_error',
    message,
    cause,
  });
}

/** Like `mapTransportError`, but a socket failure mid-stream becomes `upstream_stream_error` (502). */
export function mapStreamTransportError(
  err: unknown,
  ctx: TransportErrorContext,
): ProviderException {
  if (err instanceof ProviderException) return err;
  return (
    mapTimeoutOrAbort(err, ctx) ??
    streamError(`The upstream stream of deployment ${ctx.label} failed`, 502, err)
  );
}
