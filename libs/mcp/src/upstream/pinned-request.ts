import type { CheckedTarget } from '@routeiq/security';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

/** Statuses whose `Response` must not have a body. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * One HTTP request over the pinned dispatcher, answered as a WHATWG `Response` for the SDK's
 * transports. `dispatcher.request` instead of `fetch`: fetch's Request/Response machinery cost
 * more CPU than the whole rest of a proxied tool call. Redirects are not followed (the dispatcher
 * does not follow them), a JSON answer is read whole, anything else (an event stream) is handed
 * over as a stream as it arrives. Only string bodies: callers fall back to fetch for others.
 */
export async function pinnedRequest(
  target: CheckedTarget,
  dispatcher: Dispatcher,
  init: RequestInit | undefined,
  headers: Record<string, string>,
): Promise<Response> {
  const res = await dispatcher.request({
    origin: target.url.origin,
    path: target.url.pathname + target.url.search,
    method: (init?.method ?? 'GET').toUpperCase(),
    headers,
    body: typeof init?.body === 'string' ? init.body : undefined,
    signal: init?.signal ?? undefined,
  });
  const responseInit = { status: res.statusCode, headers: headerPairs(res.headers) };
  if (NULL_BODY_STATUSES.has(res.statusCode)) {
    await res.body.dump();
    return new Response(null, responseInit);
  }
  if (isJson(res.headers['content-type'])) return new Response(await res.body.text(), responseInit);
  return new Response(webStream(res.body), responseInit);
}

/**
 * Pull-based, so the upstream is read only as fast as the SDK consumes it; cancelling destroys the
 * body. (Readable.toWeb throws "Controller is already closed" on Node 20 when such a stream is
 * cancelled while data is still arriving.)
 */
function webStream(body: Readable): ReadableStream<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else
        controller.enqueue(
          new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.length),
        );
    },
    cancel(reason) {
      body.destroy(reason instanceof Error ? reason : undefined);
    },
  });
}

function isJson(contentType: string | string[] | undefined): boolean {
  return typeof contentType === 'string' && contentType.toLowerCase().includes('json');
}

function headerPairs(headers: IncomingHttpHeaders): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const item of value) pairs.push([name, item]);
    else if (value !== undefined) pairs.push([name, value]);
  }
  return pairs;
}
