import { formatSseEvent, SseParser } from './a2a-sse.parser';

describe(SseParser.name, () => {
  it('yields events whatever the chunk boundaries, line endings and split characters', () => {
    const wire = Buffer.from(
      ': comment\r\nevent: update\r\ndata: {"a":"é"}\r\n\r\ndata: x\ndata: y\n\n',
    );
    const parser = new SseParser();
    const events = [];
    for (let at = 0; at < wire.length; at += 1)
      events.push(...parser.push(wire.subarray(at, at + 1)));

    expect(events).toEqual([{ event: 'update', data: '{"a":"é"}' }, { data: 'x\ny' }]);
  });

  it('holds an event until its blank line arrives', () => {
    const parser = new SseParser();

    expect(parser.push('data: 1\n')).toEqual([]);
    expect(parser.push('\r')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ data: '1' }]);
  });

  it('formats multi-line data as one data line each', () => {
    expect(formatSseEvent({ event: 'e', data: 'a\nb' })).toBe('event: e\ndata: a\ndata: b\n\n');
  });
});
