import { EventStreamCodec, type Message } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/** Prelude (total length, headers length, prelude CRC) plus the message CRC. */
const FRAME_OVERHEAD_BYTES = 16;
/** The event-stream format caps a message at 16 MiB; a larger length means a corrupt stream. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** The bytes are not a valid `application/vnd.amazon.eventstream` body. */
export class EventStreamFormatError extends Error {}

function frameLength(pending: Buffer): number {
  const total = pending.readUInt32BE(0);
  if (total < FRAME_OVERHEAD_BYTES || total > MAX_FRAME_BYTES) {
    throw new EventStreamFormatError(`invalid event-stream frame length ${total}`);
  }
  return total;
}

function decodeFrame(codec: EventStreamCodec, frame: Buffer): Message {
  try {
    return codec.decode(frame);
  } catch (err) {
    // Checksum mismatches and malformed headers.
    throw new EventStreamFormatError(`invalid event-stream frame: ${(err as Error).message}`);
  }
}

/**
 * Decodes AWS event-stream frames as the bytes arrive. Network chunks do not line up with frames,
 * so bytes are buffered until the 4-byte total-length prelude says a whole frame is in; each frame
 * is checked (both CRCs) and decoded by the SDK codec.
 */
export async function* decodeEventStream(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<Message> {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const total = frameLength(pending);
      if (pending.length < total) break;
      yield decodeFrame(codec, pending.subarray(0, total));
      pending = pending.subarray(total);
    }
  }
  if (pending.length > 0) {
    throw new EventStreamFormatError(`event stream ended inside a frame (${pending.length} bytes)`);
  }
}
