import { PiecewiseText, TextPiece, type TextSink } from '../spans/piecewise-text';
import { writeKeyValue } from './otlp-attributes.encoder';
import { writeTextKeyValue } from './otlp-text.encoder';
import { ProtoBufferWriter } from './proto-buffer.writer';

const ATTRIBUTES = 0x4a;
const OPEN = new TextPiece('{"id":"');
const CLOSE = new TextPiece('"}');

/** `{"id":<value>}`: the value escaped by the sink between two pieces. */
class IdText extends PiecewiseText {
  constructor(private readonly value: string) {
    super();
  }

  writeTo(sink: TextSink): void {
    sink.piece(OPEN);
    sink.escaped(this.value);
    sink.piece(CLOSE);
  }
}

/** The `KeyValue` as the encoder writes a plain string value. */
function direct(key: string, value: string): Buffer {
  const w = new ProtoBufferWriter(16);
  writeKeyValue(w, key, value, ATTRIBUTES);
  return Buffer.from(w.finish());
}

function pieced(key: string, text: PiecewiseText, w = new ProtoBufferWriter(16)): Buffer {
  const start = w.pos;
  writeTextKeyValue(w, key, text, ATTRIBUTES);
  return Buffer.from(w.buf.subarray(start, w.pos));
}

describe('writeTextKeyValue', () => {
  const values = [
    'req-0180ddfa-7a49-46d8-acf8-0af78ff35237',
    '2026-12-01T00:00:00.000Z',
    '',
    'quote " inside',
    '"',
    'ends with a backslash\\',
    'line\nbreak\ttab',
    'control \u0001 char',
    'delete \u007f char',
    'accentué',
    'emoji 🚀',
    'lone \ud800 surrogate',
    '</script>',
    'x'.repeat(300),
    `${'y'.repeat(200)}"`,
  ];

  it.each(values)('writes %j escaped as JSON.stringify does, between its pieces', (value) => {
    const json = JSON.stringify({ id: value });
    expect(pieced('routeiq.record', new IdText(value))).toEqual(direct('routeiq.record', json));
    expect(new IdText(value).toString()).toBe(json);
  });

  it('writes over what it copied before a character that needs escaping', () => {
    // Bytes past the writer's position are whatever an earlier batch left there.
    const w = new ProtoBufferWriter(4096);
    w.buf.fill(0xee);
    w.pos = 100;
    const value = `plain-prefix-${'z'.repeat(40)}\n`;
    expect(pieced('k', new IdText(value), w)).toEqual(direct('k', JSON.stringify({ id: value })));
  });
});
