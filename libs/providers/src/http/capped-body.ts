import type { Readable } from 'node:stream';
import { discardBody } from './discard-body';

/** Error bodies are read up to this size; the rest is discarded. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Reads at most `maxBytes` of a body as UTF-8, then discards the rest. */
export async function readCappedText(
  body: Readable,
  maxBytes = MAX_ERROR_BODY_BYTES,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    const room = maxBytes - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(chunk.length, room);
    if (size >= maxBytes) {
      discardBody(body);
      break;
    }
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
