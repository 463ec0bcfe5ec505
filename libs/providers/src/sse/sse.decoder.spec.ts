import { decodeSse, type SseEvent } from './sse.decoder';

async function* chunksOf(parts: ReadonlyArray<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
}

async function decodeAll(parts: ReadonlyArray<string | Uint8Array>): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of decodeSse(chunksOf(parts))) events.push(event);
  return events;
}

/** Every way of cutting `bytes` into two pieces. */
function allSplits(bytes: Buffer): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 0; i <= bytes.length; i += 1) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  return out;
}

describe('decodeSse', () => {
  it('splits events on blank lines and parses data and event fields', async () => {
    const events = await decodeAll(['data: {"a":1}\n\nevent: ping\ndata: x\n\ndata: [DONE]\n\n']);
    expect(events).toEqual([{ data: '{"a":1}' }, { event: 'ping', data: 'x' }, { data: '[DONE]' }]);
  });

  it('joins multi-line data with \\n and keeps a value without the optional space', async () => {
    const events = await decodeAll(['data: line one\ndata:line two\ndata\n\n']);
    expect(events).toEqual([{ data: 'line one\nline two\n' }]);
  });

  it('ignores comments, id, retry and events without data', async () => {
    const events = await decodeAll([': keep-alive\n\nid: 7\nretry: 10\n\nevent: x\n\ndata: y\n\n']);
    expect(events).toEqual([{ data: 'y' }]);
  });

  it('accepts CRLF and bare CR line endings', async () => {
    expect(await decodeAll(['data: a\r\n\r\ndata: b\r\rdata: c\n\n'])).toEqual([
      { data: 'a' },
      { data: 'b' },
      { data: 'c' },
    ]);
  });

  it('gives the same events for every split point of a mixed stream', async () => {
    const wire = Buffer.from(
      ': hi\r\ndata: {"t":"héllo 👋"}\r\n\r\nevent: e\ndata: 1\ndata: 2\n\ndata: [DONE]\r\r',
      'utf8',
    );
    const expected = await decodeAll([wire]);
    expect(expected).toEqual([
      { data: '{"t":"héllo 👋"}' },
      { event: 'e', data: '1\n2' },
      { data: '[DONE]' },
    ]);
    for (const parts of allSplits(wire)) expect(await decodeAll(parts)).toEqual(expected);
  });

  it('survives one byte per chunk, including inside multi-byte characters', async () => {
    const wire = Buffer.from('data: ☃ snow\r\n\r\ndata: 𝄞\n\n', 'utf8');
    const bytes = [...wire].map((b) => Uint8Array.of(b));
    expect(await decodeAll(bytes)).toEqual([{ data: '☃ snow' }, { data: '𝄞' }]);
  });

  it('does not see an empty line when CR and LF arrive in different chunks', async () => {
    expect(await decodeAll(['data: a\r', '\ndata: b\r', '', '\n\r\n'])).toEqual([{ data: 'a\nb' }]);
  });

  it('dispatches an unterminated final event when the body ends', async () => {
    expect(await decodeAll(['data: a\n\ndata: [DONE]'])).toEqual([
      { data: 'a' },
      { data: '[DONE]' },
    ]);
  });

  it('strips a leading UTF-8 BOM', async () => {
    expect(
      await decodeAll([Uint8Array.of(0xef, 0xbb), Uint8Array.of(0xbf), 'data: a\n\n']),
    ).toEqual([{ data: 'a' }]);
  });

  it('handles a long line delivered in many small chunks', async () => {
    const payload = 'x'.repeat(200_000);
    const parts = ['data: ', ...payload.match(/.{1,7}/g)!, '\n\n'];
    const events = await decodeAll(parts);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toBe(payload);
  });
});
