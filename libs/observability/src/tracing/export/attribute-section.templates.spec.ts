import type { AttributeValue } from '@opentelemetry/api';
import { AttributeBlock, BlockKeys } from '../spans/attribute-block';
import { AttributeSectionTemplates } from './attribute-section.templates';
import { writeKeyValue } from './otlp-attributes.encoder';
import { ProtoBufferWriter } from './proto-buffer.writer';

const ATTRIBUTES = 0x4a;

type Section = Array<[string, AttributeValue]>;

/** The bytes of a section written one attribute at a time: what the templates must reproduce. */
function direct(section: Section): Buffer {
  const w = new ProtoBufferWriter(16);
  for (const [key, value] of section) writeKeyValue(w, key, value, ATTRIBUTES);
  return Buffer.from(w.finish());
}

describe(AttributeSectionTemplates.name, () => {
  let templates: AttributeSectionTemplates;
  let batch: ProtoBufferWriter;
  let written: number;
  let blocksEncoded: number;

  /** A section written at the writer's position, the span left open; its bytes. */
  const writeSection = (
    w: ProtoBufferWriter,
    name: string,
    section: Section,
    blocks?: AttributeBlock[],
  ): Buffer => {
    const start = w.pos;
    templates.write(
      w,
      name,
      section.map(([key]) => key),
      section.map(([, value]) => value),
      blocks,
    );
    return Buffer.from(w.buf.subarray(start, w.pos));
  };

  /** A section of a complete span, in `w` (the batch) after `prefix` other bytes; its bytes. */
  const write = (name: string, section: Section, prefix = 0, w = batch): Buffer => {
    for (let i = 0; i < prefix; i++) w.byte(0xff); // sections do not start at 0
    const bytes = writeSection(w, name, section);
    templates.spanDone(0);
    return bytes;
  };

  beforeEach(() => {
    blocksEncoded = 0;
    templates = new AttributeSectionTemplates(
      (writer, key, value) => {
        written += 1;
        writeKeyValue(writer, key, value, ATTRIBUTES);
      },
      (block) => {
        blocksEncoded += 1;
        return direct(block.keys.map((key, i) => [key, block.values[i]!]));
      },
    );
    batch = new ProtoBufferWriter(8);
    written = 0;
  });

  it('copies what repeats and writes what changed, byte for byte as written directly', () => {
    const first: Section = [
      ['http.request.method', 'POST'],
      ['routeiq.request_id', 'req-1'],
      ['gen_ai.request.model', 'gpt-4o'],
      ['gen_ai.response.finish_reasons', ['stop']],
      ['gen_ai.usage.input_tokens', 14],
    ];
    expect(write('POST /v1/chat', first, 3)).toEqual(direct(first));
    expect(written).toBe(5);

    const second: Section = [
      ['http.request.method', 'POST'],
      ['routeiq.request_id', 'req-2-a-longer-id-than-the-first'],
      ['gen_ai.request.model', 'gpt-4o'],
      ['gen_ai.response.finish_reasons', ['stop']],
      ['gen_ai.usage.input_tokens', 1_000_000],
    ];
    written = 0;
    expect(write('POST /v1/chat', second, 7)).toEqual(direct(second));
    expect(written).toBe(2); // the request id and the tokens

    written = 0;
    expect(write('POST /v1/chat', second)).toEqual(direct(second));
    expect(written).toBe(0);

    // A change in the middle, after a section that was partly copied: the copied attributes'
    // ends must have been kept right for the runs around it.
    const third: Section = second.map(([key, value]) =>
      key === 'routeiq.request_id' ? [key, 'req-3'] : [key, value],
    );
    written = 0;
    expect(write('POST /v1/chat', third, 1)).toEqual(direct(third));
    expect(written).toBe(1);
  });

  it('starts over in a new batch (the last one is sent, its buffer not kept)', () => {
    const section: Section = [
      ['a', 'x'],
      ['b', 1],
    ];
    write('s', section);
    batch = new ProtoBufferWriter(8);
    written = 0;
    expect(write('s', section)).toEqual(direct(section));
    expect(written).toBe(2);
    written = 0;
    expect(write('s', section)).toEqual(direct(section));
    expect(written).toBe(0);
  });

  it('keeps one template per span name', () => {
    const a: Section = [['gen_ai.request.model', 'bench']];
    const b: Section = [['gen_ai.request.model', 'bench-model']];
    write('server', a);
    write('client', b);
    written = 0;
    expect(write('server', a)).toEqual(direct(a));
    expect(write('client', b)).toEqual(direct(b));
    expect(written).toBe(0);
  });

  it('follows attributes that move, appear or disappear', () => {
    const sections: Section[] = [
      [
        ['a', 'x'],
        ['b', 1],
        ['c', true],
      ],
      [
        ['b', 1],
        ['a', 'x'],
        ['c', true],
      ],
      [
        ['b', 1],
        ['a', 'x'],
      ],
      [
        ['b', 1],
        ['a', 'x'],
        ['c', true],
        ['d', 'new'],
      ],
      [],
      [['a', 'x']],
    ];
    for (const section of sections) expect(write('s', section)).toEqual(direct(section));
  });

  it('tells values of other types and equal-looking values apart', () => {
    const values: AttributeValue[] = [1, '1', true, 'true', 1.5, 0, false, ['1'], '1', ['1', '2']];
    for (const value of values) {
      const section: Section = [['k', value]];
      expect(write('s', section)).toEqual(direct(section));
    }
  });

  describe('in one batch buffer', () => {
    const request = (id: string, tokens: number): Section => [
      ['http.request.method', 'POST'],
      ['routeiq.request_id', id],
      ['gen_ai.request.model', 'gpt-4o'],
      ['gen_ai.usage.input_tokens', tokens],
    ];

    it('copies from the earlier span inside the buffer, across its growth', () => {
      const w = new ProtoBufferWriter(8); // grows (a new buffer) as sections are written
      for (let i = 0; i < 50; i++) {
        const section = request(`req-${i % 7}`, i % 3);
        expect(write('server', section, 0, w)).toEqual(direct(section));
      }
      written = 0;
      write('server', request('req-x', 2), 0, w); // after tokens 1 (i = 49)
      expect(written).toBe(2);
    });

    it('follows a span body moved by its length prefix', () => {
      const w = new ProtoBufferWriter(256);
      w.pos = 10;
      const first = request('req-1', 1);
      writeSection(w, 'server', first);
      // What ProtoBufferWriter.end does when the prefix takes one byte fewer than reserved.
      w.buf.copyWithin(9, 10, w.pos);
      w.pos -= 1;
      templates.spanDone(-1);
      w.buf.fill(0xee, w.pos, w.buf.length);
      const second = request('req-2', 1);
      expect(write('server', second, 0, w)).toEqual(direct(second));
    });

    it('copies nothing from a span that was dropped and its bytes reused', () => {
      const w = new ProtoBufferWriter(256);
      const mark = w.pos;
      const first = request('req-1', 1);
      writeSection(w, 'server', first);
      templates.spanDropped();
      w.pos = mark;
      w.buf.fill(0xee, 0, w.buf.length);
      const other = request('req-2', 2);
      expect(write('server', other, 0, w)).toEqual(direct(other));
      expect(write('server', first, 0, w)).toEqual(direct(first));
    });
  });

  describe('with blocks', () => {
    const server = new AttributeBlock({ 'http.request.method': 'POST', 'url.path': '/v1/chat' });
    const served = new AttributeBlock({ 'routeiq.deployment.id': 'dep-1' });
    const responseKeys = new BlockKeys(['gen_ai.response.model', 'gen_ai.response.id']);
    const response = (id: string): AttributeBlock =>
      new AttributeBlock(responseKeys, ['gpt-4o-2024', id]);
    /** The section as the span's own attributes then each block's, in order. */
    const flat = (section: Section, blocks: AttributeBlock[]): Section => [
      ...section,
      ...blocks.flatMap((block) =>
        block.keys.map((key, i): [string, AttributeValue] => [key, block.values[i]!]),
      ),
    ];
    const writeWith = (section: Section, blocks: AttributeBlock[], prefix = 0): Buffer => {
      for (let i = 0; i < prefix; i++) batch.byte(0xff);
      const bytes = writeSection(batch, 'server', section, blocks);
      templates.spanDone(0);
      return bytes;
    };

    it('copies a lasting block as one entry and compares a request block key by key', () => {
      const own = (id: string): Section => [['routeiq.request_id', id]];
      const first = [server, served, response('chatcmpl-1')];
      expect(writeWith(own('req-1'), first, 2)).toEqual(direct(flat(own('req-1'), first)));
      expect([written, blocksEncoded]).toEqual([3, 2]);

      written = 0;
      const second = [server, served, response('chatcmpl-2-longer')];
      expect(writeWith(own('req-2'), second, 5)).toEqual(direct(flat(own('req-2'), second)));
      expect([written, blocksEncoded]).toEqual([2, 2]); // the two ids; the blocks copied

      written = 0;
      const third = [server, served, response('chatcmpl-2-longer')];
      expect(writeWith(own('req-2'), third)).toEqual(direct(flat(own('req-2'), third)));
      expect([written, blocksEncoded]).toEqual([0, 2]);
    });

    it('writes a lasting block that is another object in the same place', () => {
      const other = new AttributeBlock({ 'routeiq.deployment.id': 'dep-2' });
      writeWith([], [server, served]);
      const bytes = writeWith([], [server, other]);
      expect(bytes).toEqual(direct(flat([], [server, other])));
      expect(blocksEncoded).toBe(3);
      // Back to the first: the template holds `other` now.
      expect(writeWith([], [server, served])).toEqual(direct(flat([], [server, served])));
      expect(blocksEncoded).toBe(4);
    });

    it('follows blocks and attributes that come, go and trade places', () => {
      const cases: Array<[Section, AttributeBlock[]]> = [
        [[['a', 'x']], [server]],
        [[['a', 'x']], [server, response('id-1')]],
        [[], [server, response('id-1')]],
        [[['a', 'x']], [response('id-1'), server]],
        [[['a', 'x']], [served, server]],
        [
          [
            ['a', 'x'],
            ['b', 1],
          ],
          [],
        ],
        [[['http.request.method', 'POST']], [server]],
        [[], [response('id-2'), response('id-2')]],
      ];
      for (const [section, blocks] of cases)
        expect(writeWith(section, blocks)).toEqual(direct(flat(section, blocks)));
    });
  });

  it('compares an array by what it holds when written, not by identity', () => {
    const reasons = ['stop'];
    write('s', [['gen_ai.response.finish_reasons', reasons]]);
    reasons[0] = 'length'; // the same array, changed after it was set
    const section: Section = [['gen_ai.response.finish_reasons', reasons]];
    expect(write('s', section)).toEqual(direct(section));

    const pair = ['stop', 'length'];
    write('s', [['reasons', pair]]);
    written = 0;
    expect(write('s', [['reasons', pair]])).toEqual(direct([['reasons', pair]]));
    expect(written).toBe(1); // arrays of several items are always written
  });
});
