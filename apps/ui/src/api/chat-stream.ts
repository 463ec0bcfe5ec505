import { GatewayError } from './gateway-error';

/** What one chat completion stream event adds. */
export interface ChatStreamEvent {
  readonly content: string;
  readonly done: boolean;
  readonly finishReason: string | null;
  readonly usage: { prompt_tokens: number; completion_tokens: number } | null;
}

interface Chunk {
  choices?: Array<{ delta?: { content?: unknown }; finish_reason?: unknown }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
  error?: { message?: unknown; code?: unknown; status?: unknown };
  request_id?: unknown;
}

const DONE: ChatStreamEvent = { content: '', done: true, finishReason: null, usage: null };

/**
 * Reads one `data:` payload of a chat completion stream. An error event (the gateway's way to
 * fail a stream that already started) becomes a GatewayError.
 */
export function readChatEvent(data: string): ChatStreamEvent {
  if (data.trim() === '[DONE]') return DONE;
  let chunk: Chunk;
  try {
    chunk = JSON.parse(data) as Chunk;
  } catch {
    return { content: '', done: false, finishReason: null, usage: null };
  }
  if (chunk.error) throw streamError(chunk);
  const choice = chunk.choices?.[0];
  const content = typeof choice?.delta?.content === 'string' ? choice.delta.content : '';
  const finish = typeof choice?.finish_reason === 'string' ? choice.finish_reason : null;
  const usage = chunk.usage;
  return {
    content,
    done: false,
    finishReason: finish,
    usage:
      usage &&
      typeof usage.prompt_tokens === 'number' &&
      typeof usage.completion_tokens === 'number'
        ? { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens }
        : null,
  };
}

function streamError(chunk: Chunk): GatewayError {
  const error = chunk.error ?? {};
  return new GatewayError(
    typeof error.status === 'number' ? error.status : 502,
    typeof error.code === 'string' ? error.code : 'stream_error',
    typeof error.message === 'string' ? error.message : 'The stream failed',
    null,
    typeof chunk.request_id === 'string' ? chunk.request_id : null,
  );
}
