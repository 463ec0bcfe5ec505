import type { Context, Span, TimeInput } from '@opentelemetry/api';
import { ServerSpan } from './server-span';

/** Records how and when `end` was called; nothing else of the span is used. */
function recordingSpan(): { span: Span; ends: Array<TimeInput | undefined> } {
  const ends: Array<TimeInput | undefined> = [];
  const span = { end: (time?: TimeInput) => ends.push(time) } as unknown as Span;
  return { span, ends };
}

const CONTEXT = {} as Context;

describe(ServerSpan.name, () => {
  it('ends at close when no handler adopted it', () => {
    const { span, ends } = recordingSpan();
    const server = new ServerSpan(span, CONTEXT);

    server.close();
    server.close();

    expect(ends).toEqual([undefined]);
    expect(server.adopt()).toBeUndefined();
  });

  it('ends at the time the closer read, adopted or not', () => {
    const plain = recordingSpan();
    new ServerSpan(plain.span, CONTEXT).close(1234.5);
    const held = recordingSpan();
    const adopted = new ServerSpan(held.span, CONTEXT);
    adopted.adopt();
    adopted.close(2345.5);
    adopted.release();

    expect(plain.ends).toEqual([1234.5]);
    expect(held.ends).toEqual([2345.5]);
  });

  it('ends when the handler releases it, if the response closed first, at the close time', () => {
    const { span, ends } = recordingSpan();
    const server = new ServerSpan(span, CONTEXT);
    expect(server.adopt()).toBe(span);

    const before = performance.now();
    server.close();
    const after = performance.now();
    expect(ends).toEqual([]);
    server.release();
    server.release();

    expect(ends).toHaveLength(1);
    expect(ends[0]).toBeGreaterThanOrEqual(before);
    expect(ends[0]).toBeLessThanOrEqual(after);
  });

  it('ends at close when the handler released it before', () => {
    const { span, ends } = recordingSpan();
    const server = new ServerSpan(span, CONTEXT);
    server.adopt();

    server.release();
    expect(ends).toEqual([]);
    server.close();

    expect(ends).toEqual([undefined]);
  });

  it('is held by one handler at a time', () => {
    const { span } = recordingSpan();
    const server = new ServerSpan(span, CONTEXT);

    expect(server.adopt()).toBe(span);
    expect(server.adopt()).toBeUndefined();
    server.release();
    expect(server.adopt()).toBe(span);
  });
});
