import {
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type AttributeValue,
  type SpanContext,
} from '@opentelemetry/api';
import { AttributeBlock, keyBit } from './attribute-block';
import { GatewaySpan, type GatewaySpanLimits, type GatewaySpanSink } from './gateway-span';
import { resolveGatewaySpanLimits } from './gateway-span.config';
import { epochMillis } from './span-clock';

class EndedSpans implements GatewaySpanSink {
  readonly spans: GatewaySpan[] = [];
  constructor(readonly limits: GatewaySpanLimits = resolveGatewaySpanLimits({})) {}
  spanEnded(span: GatewaySpan): void {
    this.spans.push(span);
  }
}

const CONTEXT: SpanContext = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
};

function spanOf(limits?: Partial<GatewaySpanLimits>, startMs = epochMillis()) {
  const sink = new EndedSpans({ ...resolveGatewaySpanLimits({}), ...limits });
  const span = new GatewaySpan(CONTEXT, undefined, 'span', SpanKind.INTERNAL, startMs, sink);
  return { span, sink };
}

describe(GatewaySpan.name, () => {
  it('keeps attributes in first-set order, an overwrite in place, and skips empty values', () => {
    const { span } = spanOf();

    span.setAttributes({ a: 1, b: 'two', c: true });
    span.setAttribute('a', 10);
    span.setAttribute('d', undefined);
    span.setAttribute('e', { nested: 1 } as unknown as AttributeValue);
    span.setAttribute('f', ['x', 2] as unknown as AttributeValue);
    span.setAttribute('g', ['x', null, 'y']);

    expect(span.keys).toEqual(['a', 'b', 'c', 'g']);
    expect(span.values).toEqual([10, 'two', true, ['x', null, 'y']]);
  });

  it('keeps each span its own attributes and blocks, however many, from none at first', () => {
    const { span: first } = spanOf();
    const { span: second } = spanOf();
    const blocks = Array.from({ length: 10 }, (_, i) => new AttributeBlock({ [`block.${i}`]: i }));
    const keys = Array.from({ length: 20 }, (_, i) => `own.${i}`);

    expect([first.keys, first.values, first.blocks]).toEqual([[], [], undefined]);
    keys.forEach((key, i) => first.setAttribute(key, i));
    blocks.forEach((block) => first.addAttributeBlock(block));
    second.setAttribute('only', 'one');

    expect(first.keys).toEqual(keys);
    expect(first.values).toEqual(keys.map((_, i) => i));
    expect(first.blocks).toEqual(blocks);
    expect([second.keys, second.values, second.blocks]).toEqual([['only'], ['one'], undefined]);
    expect(spanOf().span.keys).toEqual([]);
  });

  it('counts attributes past the limit as dropped but still overwrites known keys', () => {
    const { span } = spanOf({ attributeCountLimit: 2 });

    span.setAttributes({ a: 1, b: 2, c: 3, d: 4 });
    span.setAttribute('b', 20);

    expect(span.keys).toEqual(['a', 'b']);
    expect(span.values).toEqual([1, 20]);
    expect(span.droppedAttributesCount).toBe(2);
  });

  it('truncates strings, also in arrays, to the value length limit', () => {
    const { span } = spanOf({ attributeValueLengthLimit: 3 });

    span.setAttributes({ s: 'abcdef', list: ['abcdef', 'ab'], n: 123456 });

    expect(span.values).toEqual(['abc', ['abc', 'ab'], 123456]);
  });

  it('takes an event time as second or third argument, in any time form', () => {
    const startMs = epochMillis();
    const { span } = spanOf({}, startMs);

    span.addEvent('epoch', 1_800_000_000_500);
    span.addEvent('date', { k: 'v' }, new Date(1_800_000_000_000));
    span.addEvent('hrtime', [1_800_000_000, 250_000_000]);
    span.addEvent('performance', performance.now());
    span.addEvent('now');

    const times = span.events!.map((event) => [event.name, event.timeMs]);
    expect(times.slice(0, 3)).toEqual([
      ['epoch', 1_800_000_000_500],
      ['date', 1_800_000_000_000],
      ['hrtime', 1_800_000_000_250],
    ]);
    for (const [, time] of times.slice(3))
      expect(Math.abs((time as number) - startMs)).toBeLessThan(1000);
    expect(span.events![1]!.attributes).toEqual({ k: 'v' });
  });

  it('keeps the latest events up to the limit and counts the others', () => {
    const { span } = spanOf({ eventCountLimit: 2 });

    for (const name of ['a', 'b', 'c']) span.addEvent(name);

    expect(span.events!.map((event) => event.name)).toEqual(['b', 'c']);
    expect(span.droppedEventsCount).toBe(1);
  });

  describe('attribute blocks', () => {
    const block = new AttributeBlock({ 'b.one': 'one', 'b.two': 2, 'b.none': undefined, '': 'x' });
    const attributes = (span: GatewaySpan) => ({
      own: Object.fromEntries(span.keys.map((key, i) => [key, span.values[i]])),
      blocks: span.blocks ?? [],
    });

    it('keeps a block as one piece, counted against the attribute limit', () => {
      const { span } = spanOf({ attributeCountLimit: 4 });
      span.setAttribute('own', 1);
      span.addAttributeBlock(block);
      span.setAttribute('more', 2);
      span.setAttribute('past the limit', 3);

      expect(block.keys).toEqual(['b.one', 'b.two']);
      expect(attributes(span)).toEqual({ own: { own: 1, more: 2 }, blocks: [block] });
      expect(span.droppedAttributesCount).toBe(1);
    });

    it('sets its attributes one by one where one piece would not be the same', () => {
      const full = spanOf({ attributeCountLimit: 2 }).span;
      full.setAttribute('own', 1);
      full.addAttributeBlock(block);
      const known = spanOf().span;
      known.setAttribute('b.two', 'set before');
      known.addAttributeBlock(block);
      const cut = spanOf({ attributeValueLengthLimit: 2 }).span;
      cut.addAttributeBlock(block);

      expect(attributes(full)).toEqual({ own: { own: 1, 'b.one': 'one' }, blocks: [] });
      expect(full.droppedAttributesCount).toBe(1);
      expect(attributes(known)).toEqual({ own: { 'b.two': 2, 'b.one': 'one' }, blocks: [] });
      expect(attributes(cut)).toEqual({ own: { 'b.one': 'on', 'b.two': 2 }, blocks: [] });
    });

    it("replaces a block's value set later, the block's other attributes kept", () => {
      const { span } = spanOf();
      const other = new AttributeBlock({ 'o.key': true });
      span.addAttributeBlock(block);
      span.addAttributeBlock(other);
      span.setAttribute('b.two', 'replaced');
      span.addAttributeBlock(new AttributeBlock({ 'o.key': false }));

      expect(attributes(span)).toEqual({
        own: { 'b.one': 'one', 'b.two': 'replaced', 'o.key': false },
        blocks: [],
      });
    });

    it('tells keys of the same bit apart from the keys of its blocks', () => {
      // The same length and last characters: the same bit, told apart by a search.
      expect(keyBit('x.one')).toBe(keyBit('b.one'));
      expect(keyBit('y.one')).toBe(keyBit('b.one'));
      const { span } = spanOf();
      span.addAttributeBlock(block);
      span.setAttribute('x.one', 'own'); // as long as 'b.one'
      span.addAttributeBlock(new AttributeBlock({ 'y.one': 1 }));
      span.setAttribute('b.one', 'replaced');

      expect(attributes(span)).toEqual({
        own: { 'x.one': 'own', 'b.one': 'replaced', 'b.two': 2 },
        blocks: [expect.objectContaining({ keys: ['y.one'] })],
      });
    });

    it('finds short keys, and a key of a block whose bit another key of the span shares', () => {
      const { span } = spanOf();
      const short = new AttributeBlock({ a: 1, ab: 2 });
      span.setAttribute('zb', 'own'); // as long as 'ab'
      span.addAttributeBlock(short);
      span.setAttribute('a', 'replaced');
      const taken = [...Array(40).keys()].map((i) => `k${i}`);
      for (const key of taken) span.setAttribute(key, key); // every bit, most likely
      span.addAttributeBlock(new AttributeBlock({ k7: 'from a block' }));

      expect(attributes(span).own).toEqual(
        expect.objectContaining({ zb: 'own', a: 'replaced', ab: 2, k7: 'from a block', k8: 'k8' }),
      );
      expect(attributes(span).blocks).toEqual([]);
    });

    it('takes no block once ended', () => {
      const { span } = spanOf();
      span.end();
      span.addAttributeBlock(block);
      expect(span.blocks).toBeUndefined();
    });
  });

  it('ends once: later calls change nothing and reach the sink no more', () => {
    const { span, sink } = spanOf();

    span.end();
    span.end();
    span.setAttribute('late', 1);
    span.addEvent('late');
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.updateName('late');

    expect(sink.spans).toEqual([span]);
    expect(span.isRecording()).toBe(false);
    expect([span.keys, span.events, span.status.code, span.name]).toEqual([
      [],
      undefined,
      SpanStatusCode.UNSET,
      'span',
    ]);
  });

  it('never ends before it started', () => {
    const startMs = 1_800_000_000_000;
    const { span } = spanOf({}, startMs);

    span.end(startMs - 5);

    expect(span.endMs).toBe(startMs);
  });

  it('ends now by default, and at a performance.now() reading on the wall clock', () => {
    const early = spanOf();
    const late = spanOf();
    const before = epochMillis();

    early.span.end();
    late.span.end(performance.now());

    expect(early.span.endMs).toBeGreaterThanOrEqual(before);
    expect(Math.abs(late.span.endMs - Date.now())).toBeLessThan(50);
  });

  it('records a string exception as its message, and ignores one with nothing to say', () => {
    const { span } = spanOf();

    span.recordException('socket hang up');
    span.recordException({ name: '' });

    expect(span.events).toEqual([
      expect.objectContaining({
        name: 'exception',
        attributes: { 'exception.message': 'socket hang up' },
      }),
    ]);
  });

  it('knows whether it was sampled', () => {
    const sink = new EndedSpans();
    const unsampled = { ...CONTEXT, traceFlags: TraceFlags.NONE };

    expect(new GatewaySpan(CONTEXT, undefined, 'a', SpanKind.INTERNAL, 0, sink).sampled).toBe(true);
    expect(new GatewaySpan(unsampled, undefined, 'b', SpanKind.INTERNAL, 0, sink).sampled).toBe(
      false,
    );
  });
});
