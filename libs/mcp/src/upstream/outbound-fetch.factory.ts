import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { OutboundException, SsrfBlockReason, type SafeOutboundClient } from '@routeiq/security';
import { fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import { pinnedRequest } from './pinned-request';

export interface OutboundFetchOptions {
  /** Auth and static headers of the server, added to every request. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Told of every refusal by the SSRF guard: the legacy SSE transport wraps fetch errors in its
   * own, and the caller must still see the `OutboundException`.
   */
  readonly onRefused?: (error: OutboundException) => void;
}

const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** The Host is always the checked URL's; the protocol headers are the SDK's, not the operator's. */
const SDK_OWNED_HEADERS = new Set([
  'host',
  'content-type',
  'accept',
  'mcp-session-id',
  'mcp-protocol-version',
  'last-event-id',
]);

/**
 * The `fetch` of the MCP SDK transports: every request is checked by the SSRF guard and sent over
 * a dispatcher pinned to the vetted addresses, redirects are refused, and a `traceparent` in the
 * JSON-RPC request's `params._meta` is copied into the HTTP header of that same request (the
 * SDK's headers are per transport, the body is per call, so concurrent calls cannot mix them up).
 */
export function createOutboundFetch(
  outbound: SafeOutboundClient,
  options: OutboundFetchOptions,
): FetchLike {
  return async (url, init) => {
    let prepared: Awaited<ReturnType<SafeOutboundClient['prepare']>>;
    try {
      prepared = await outbound.prepare(url);
    } catch (err) {
      if (err instanceof OutboundException) options.onRefused?.(err);
      throw err;
    }
    const headers = requestHeaders(init, options.headers);
    const response =
      init?.body === undefined || init.body === null || typeof init.body === 'string'
        ? await pinnedRequest(prepared.target, prepared.dispatcher, init, headers)
        : ((await undiciFetch(prepared.target.url, {
            ...(init as UndiciRequestInit),
            headers,
            dispatcher: prepared.dispatcher,
            redirect: 'manual',
          })) as unknown as Response);
    if (REDIRECT_STATUSES.has(response.status)) {
      await response.body?.cancel().catch(() => undefined);
      const refused = OutboundException.blocked(
        SsrfBlockReason.RedirectRefused,
        `the MCP server at ${prepared.target.hostname} answered ${response.status} with a redirect, and outbound requests do not follow redirects`,
      );
      options.onRefused?.(refused);
      throw refused;
    }
    return response;
  };
}

function requestHeaders(
  init: RequestInit | undefined,
  server: Readonly<Record<string, string>>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
  for (const [name, value] of Object.entries(server)) {
    const key = name.toLowerCase();
    if (!SDK_OWNED_HEADERS.has(key)) headers[key] = value;
  }
  Object.assign(headers, traceHeaders(init?.body));
  return headers;
}

/** `traceparent`/`tracestate` of a single JSON-RPC request's `params._meta`. */
export function traceHeaders(body: unknown): Record<string, string> {
  if (typeof body !== 'string' || !body.includes('"traceparent"')) return {};
  let meta: unknown;
  try {
    meta = (JSON.parse(body) as { params?: { _meta?: unknown } } | null)?.params?._meta;
  } catch {
    return {};
  }
  if (typeof meta !== 'object' || meta === null) return {};
  const { traceparent, tracestate } = meta as Record<string, unknown>;
  if (typeof traceparent !== 'string' || !TRACEPARENT.test(traceparent)) return {};
  const headers: Record<string, string> = { traceparent };
  if (typeof tracestate === 'string' && /^[\x20-\x7e]{1,512}$/.test(tracestate)) {
    headers.tracestate = tracestate;
  }
  return headers;
}
