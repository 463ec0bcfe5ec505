import { readChatEvent, type ChatStreamEvent } from './chat-stream';
import { gatewayFetch } from './gateway-client';
import { SseParser } from './sse-parser';

export interface ChatRequest {
  readonly model: string;
  readonly messages: ReadonlyArray<{ role: 'system' | 'user'; content: string }>;
  readonly max_tokens?: number;
  readonly temperature?: number;
}

/** Which deployment served the stream, from the gateway's response headers. */
export interface ChatRoute {
  readonly deployment: string | null;
  readonly strategy: string | null;
  readonly requestId: string | null;
}

/**
 * Streams a chat completion with the user key, calling `onEvent` for every event as it arrives.
 * Resolves once the stream ended; rejects with the gateway's error (before or during the stream).
 */
export async function streamChatCompletion(
  request: ChatRequest,
  signal: AbortSignal,
  onRoute: (route: ChatRoute) => void,
  onEvent: (event: ChatStreamEvent) => void,
): Promise<void> {
  const response = await gatewayFetch('/v1/chat/completions', {
    auth: 'user',
    method: 'POST',
    body: { ...request, stream: true, stream_options: { include_usage: true } },
    headers: { accept: 'text/event-stream' },
    signal,
  });
  onRoute({
    deployment: response.headers.get('x-routeiq-deployment'),
    strategy: response.headers.get('x-routeiq-strategy'),
    requestId: response.headers.get('x-request-id'),
  });
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  for (;;) {
    const { value, done } = await reader.read();
    const events = done ? parser.flush() : parser.push(value);
    for (const data of events) onEvent(readChatEvent(data));
    if (done) return;
  }
}
