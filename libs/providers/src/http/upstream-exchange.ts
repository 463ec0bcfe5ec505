import type { Dispatcher } from 'undici';
import type { ProviderCallContext } from '../contract/provider-adapter';
import { ProviderException } from '../contract/provider.exception';
import { readCappedText } from './capped-body';
import { mapTransportError, type TransportErrorContext } from './transport-error.mapper';
import type { UpstreamRequest } from './upstream-http.client';

export type UpstreamResponse = Dispatcher.ResponseData;

/** Maps an upstream's non-2xx answer (status, first 64 KiB of the body, headers) to its error. */
export type HttpErrorMapper = (
  status: number,
  bodyText: string,
  headers: UpstreamResponse['headers'],
) => ProviderException;

/** What an adapter puts in an upstream POST; the rest comes from the call. */
export interface UpstreamPost {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * A POST for the call: its signal, `timeoutMs` for the response headers and for each gap between
 * body chunks, the deployment as the label, the call's trace.
 */
export function upstreamPost(
  ctx: ProviderCallContext,
  timeoutMs: number,
  post: UpstreamPost,
): UpstreamRequest {
  return {
    url: post.url,
    method: 'POST',
    headers: post.headers,
    body: post.body,
    signal: ctx.signal,
    headersTimeoutMs: timeoutMs,
    bodyTimeoutMs: timeoutMs,
    label: ctx.deployment.id,
    trace: ctx.trace,
  };
}

/** How the transport failures of a call under `timeoutMs` are reported. */
export function transportContext(
  ctx: ProviderCallContext,
  timeoutMs: number,
): TransportErrorContext {
  return {
    label: ctx.deployment.id,
    signal: ctx.signal,
    headersTimeoutMs: timeoutMs,
    bodyTimeoutMs: timeoutMs,
  };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * A whole-answer exchange: `send`, a non-2xx answer through `mapError`, a 2xx answer's body to `read`.
 * Anything thrown on the way (the send included) leaves as a `ProviderException`.
 */
export async function exchangeUpstream<T>(
  send: () => Promise<UpstreamResponse>,
  mapError: HttpErrorMapper,
  errorCtx: TransportErrorContext,
  read: (bodyText: string, res: UpstreamResponse) => T,
): Promise<T> {
  try {
    const res = await send();
    if (!isSuccess(res.statusCode)) {
      throw mapError(res.statusCode, await readCappedText(res.body), res.headers);
    }
    return read(await res.body.text(), res);
  } catch (err) {
    throw mapTransportError(err, errorCtx);
  }
}

/**
 * Opens a streamed exchange: resolves with a 2xx answer, whose body the caller reads; a non-2xx
 * answer is thrown through `mapError`. A failing `send` rejects with its own error.
 */
export async function openUpstreamStream(
  send: () => Promise<UpstreamResponse>,
  mapError: HttpErrorMapper,
  errorCtx: TransportErrorContext,
): Promise<UpstreamResponse> {
  const res = await send();
  if (isSuccess(res.statusCode)) return res;
  let text: string;
  try {
    text = await readCappedText(res.body);
  } catch (err) {
    throw mapTransportError(err, errorCtx);
  }
  throw mapError(res.statusCode, text, res.headers);
}

/** The parsed JSON of a 2xx body (502 `upstream_invalid_response` if it is not JSON). */
export function parseJsonBody(text: string, deploymentId: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw ProviderException.invalidResponse(deploymentId, 'the body is not JSON');
  }
}

/** Like `parseJsonBody`, but the body must be a JSON object. */
export function parseJsonObjectBody<T>(text: string, deploymentId: string): T {
  const parsed = parseJsonBody(text, deploymentId);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw ProviderException.invalidResponse(deploymentId, 'the body is not a JSON object');
  }
  return parsed as T;
}
