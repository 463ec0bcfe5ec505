import type { ChatCompletionChunk, Completion } from '@routeiq/providers';
import { RoutingFailures } from '@routeiq/routing';

/** An opened upstream stream whose first content has arrived but not been sent. */
export interface StreamHead<TChunk> {
  readonly iterator: AsyncIterator<TChunk>;
  /** Chunks read so far, the last one carrying content. */
  readonly head: readonly TChunk[];
}

/**
 * Reads an upstream stream up to its first chunk with content, so that a stream that fails
 * before any content — an error event after a 200, or a close — fails the attempt while the
 * request can still go to another deployment.
 */
export async function readStreamHead<TChunk>(
  stream: AsyncIterable<TChunk>,
  hasContent: ((chunk: TChunk) => boolean) | undefined,
  deploymentId: string,
): Promise<StreamHead<TChunk>> {
  const iterator = stream[Symbol.asyncIterator]();
  const head: TChunk[] = [];
  try {
    for (;;) {
      const step = await iterator.next();
      if (step.done) throw RoutingFailures.emptyStream(deploymentId);
      head.push(step.value);
      if (!hasContent || hasContent(step.value)) return { iterator, head };
    }
  } catch (error) {
    // Abandoned: release the upstream connection (a no-op for a finished iterator).
    await iterator.return?.().catch(() => undefined);
    throw error;
  }
}

/** A chat chunk carries content: text, a tool call, a refusal or a finish reason (or usage). */
export function chatChunkHasContent(chunk: ChatCompletionChunk): boolean {
  const choices = chunk.choices;
  if (!Array.isArray(choices) || choices.length === 0) return true;
  for (const choice of choices) {
    if (choice.finish_reason) return true;
    const delta = choice.delta;
    if (!delta) continue;
    if (typeof delta.content === 'string' && delta.content !== '') return true;
    if (delta.tool_calls || delta.refusal || delta.function_call) return true;
  }
  return false;
}

export function completionChunkHasContent(chunk: Completion): boolean {
  const choices = chunk.choices;
  if (!Array.isArray(choices) || choices.length === 0) return true;
  return choices.some((choice) => Boolean(choice.finish_reason) || choice.text !== '');
}

const PREAMBLE_EVENTS: ReadonlySet<string> = new Set([
  'message_start',
  'content_block_start',
  'ping',
  'response.created',
  'response.in_progress',
]);

/** Anthropic and Responses events: everything after the opening envelope events is content. */
export function typedEventHasContent(event: { type?: unknown }): boolean {
  return typeof event.type !== 'string' || !PREAMBLE_EVENTS.has(event.type);
}
