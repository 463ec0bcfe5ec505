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

  it('tells whether the bytes so far stop inside an event', () => {
    const parser = new SseParser();
    const states: boolean[] = [parser.midEvent];
    for (const chunk of [': ping\n', 'data: {"a"', ':1}\n', '\n', 'event: e\r', '\r']) {
      parser.push(chunk);
      states.push(parser.midEvent);
    }

    expect(states).toEqual([false, false, true, true, false, true, false]);
  });

  it('counts a partial UTF-8 character as inside a line', () => {
    const parser = new SseParser();
    const e = Buffer.from('é');
    parser.push(Buffer.concat([Buffer.from('data: 1\n\n'), e.subarray(0, 1)]));

    expect(parser.midEvent).toBe(true);
  });

  it('formats multi-line data as one data line each', () => {
    expect(formatSseEvent({ event: 'e', data: 'a\nb' })).toBe('event: e\ndata: a\ndata: b\n\n');
  });
});
