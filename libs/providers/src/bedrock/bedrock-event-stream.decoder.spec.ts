import { toUtf8 } from '@smithy/util-utf8';
import { encodeBedrockFrame } from '@routeiq/testing';
import { decodeEventStream, EventStreamFormatError } from './bedrock-event-stream.decoder';

const FRAMES = Buffer.concat([
  encodeBedrockFrame({ event: 'messageStart', payload: { role: 'assistant' } }),
  encodeBedrockFrame({
    event: 'contentBlockDelta',
    payload: { contentBlockIndex: 0, delta: { text: 'é✓' } },
  }),
  encodeBedrockFrame({ exception: 'throttlingException', message: 'slow down' }),
]);

async function* slices(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function decodeAll(chunks: AsyncIterable<Uint8Array>): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for await (const message of decodeEventStream(chunks)) {
    const type = message.headers[':event-type'] ?? message.headers[':exception-type'];
    out.push([String(type?.value), toUtf8(message.body)]);
  }
  return out;
}

const EXPECTED = [
  ['messageStart', '{"role":"assistant"}'],
  ['contentBlockDelta', '{"contentBlockIndex":0,"delta":{"text":"é✓"}}'],
  ['throttlingException', '{"message":"slow down"}'],
];

describe(decodeEventStream.name, () => {
  it.each([1, 3, 4, 13, 1000])('decodes frames fed %i bytes at a time', async (size) => {
    await expect(decodeAll(slices(FRAMES, size))).resolves.toEqual(EXPECTED);
  });

  it('rejects a frame whose checksum does not match', async () => {
    const corrupt = Buffer.from(FRAMES);
    corrupt[20] = corrupt[20]! ^ 0xff;
    await expect(decodeAll(slices(corrupt, 64))).rejects.toBeInstanceOf(EventStreamFormatError);
  });

  it('rejects a body that ends inside a frame', async () => {
    await expect(decodeAll(slices(FRAMES.subarray(0, FRAMES.length - 5), 64))).rejects.toThrow(
      'event stream ended inside a frame (',
    );
  });

  it('rejects an impossible frame length before buffering it', async () => {
    const bogus = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    await expect(decodeAll(slices(bogus, 8))).rejects.toThrow(
      'invalid event-stream frame length 4294967295',
    );
  });
});
