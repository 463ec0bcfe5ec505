import { JsonBytesWriter } from './json-bytes.writer';
import { ProtoBufferWriter } from './proto-buffer.writer';

/** What the writer writes for `value`, from a buffer small enough to grow while it writes. */
function written(value: unknown, json = new JsonBytesWriter()): { text: string; wrote: boolean } {
  const w = new ProtoBufferWriter(8);
  w.byte(0xff); // something before, which must stay as it is
  const wrote = json.write(w, value);
  const bytes = w.finish();
  expect(bytes[0]).toBe(0xff);
  return { text: bytes.subarray(1).toString('utf8'), wrote };
}

/** Byte for byte what `Buffer.from(JSON.stringify(value))` holds. */
function expectStringifyBytes(value: unknown, json?: JsonBytesWriter): void {
  const w = new ProtoBufferWriter(8);
  (json ?? new JsonBytesWriter()).write(w, value);
  expect(Buffer.compare(w.finish(), Buffer.from(JSON.stringify(value), 'utf8'))).toBe(0);
}

/** A small deterministic generator (mulberry32) for the generated records. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARS = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\u0001', '\u007f', 'é', '日', '\u2028'];

function generated(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 5 : 8));
  switch (pick) {
    case 0:
      return Array.from({ length: Math.floor(next() * 12) }, () => CHARS[Math.floor(next() * 12)])
        .join('')
        .concat(next() < 0.1 ? '😀' : '');
    case 1:
      return Math.floor(next() * 1e6) * (next() < 0.3 ? -1 : 1) + (next() < 0.3 ? 0.25 : 0);
    case 2:
      return next() < 0.5;
    case 3:
      return null;
    case 4:
      return undefined;
    case 5:
      return Array.from({ length: Math.floor(next() * 4) }, () => generated(next, depth + 1));
    default: {
      const record: Record<string, unknown> = {};
      const keys = Math.floor(next() * 5);
      for (let i = 0; i < keys; i++)
        record[`k${Math.floor(next() * 6)}`] = generated(next, depth + 1);
      return record;
    }
  }
}

describe(JsonBytesWriter.name, () => {
  it('writes a routing decision record as JSON.stringify does, byte for byte', () => {
    const decision = {
      event: 'routeiq.router_decision.v1',
      request_id: '4069fe64-9e11-4168-9a0f-5d12c3433556',
      timestamp: '2026-11-30T00:44:51.325Z',
      model_group: 'bench',
      strategy: 'simple-shuffle',
      strategy_version: '1',
      experiment: undefined,
      candidates: [
        { deployment: '3fc5e34da73c9f07', state: 'eligible' },
        { deployment: 'azure-eu', state: 'cooldown' },
      ],
      selected: '3fc5e34da73c9f07',
      reason: 'lowest latency 12.3 ms',
      timings: { decision_us: 33, total_ms: 3.75 },
      outcome: 'success',
      fallback: { from: 'gpt-4o', to: 'bench', reason: 'rate_limited' },
      attempts: [
        { model_group: 'gpt-4o', deployment: 'a', outcome: 'error', status: 429, duration_ms: 2 },
        { model_group: 'bench', deployment: 'b', outcome: 'success', duration_ms: 0 },
      ],
    };
    const json = new JsonBytesWriter();
    expectStringifyBytes(decision, json);
    expectStringifyBytes({ ...decision, request_id: 'another', selected: null }, json);
  });

  it('escapes strings as JSON.stringify does, and copies plain ASCII as it is', () => {
    for (const text of [
      '',
      'plain ascii ~!@#$%^&*()',
      'quote " and backslash \\',
      'controls \b\f\n\r\t \u0000 \u001f and DEL \u007f',
      'é, 日本語, \u2028 \u2029',
      'pair 😀 and lone surrogates \ud800 \udfff x\ud83d',
    ]) {
      expectStringifyBytes(text);
      expectStringifyBytes({ [text]: text });
    }
  });

  it('writes numbers as JSON.stringify does, non-finite ones as null', () => {
    const numbers = [0, -0, 1, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 2 ** 53, -1, -(2 ** 31)];
    const more = [0.1, 1.5, -2.25, 1e21, 1e-7, 123456789.123, Number.MAX_VALUE, Number.MIN_VALUE];
    for (const value of [...numbers, ...more, NaN, Infinity, -Infinity]) {
      expectStringifyBytes(value);
      expectStringifyBytes([value]);
    }
  });

  it('leaves out members with no JSON and writes such items as null', () => {
    const symbol = Symbol('s');
    const record = { a: undefined, b: () => 1, c: symbol, d: 1, e: [undefined, () => 1, symbol] };
    expectStringifyBytes(record);
    expectStringifyBytes({ only: undefined });
    const nothing = { toJSON: (): undefined => undefined };
    expectStringifyBytes({ first: nothing, second: 1, third: nothing });
    expectStringifyBytes({ x: nothing });
    expectStringifyBytes([nothing, 1]);
    expectStringifyBytes([]);
    expectStringifyBytes({});
    expect(JSON.stringify(record)).toBe('{"d":1,"e":[null,null,null]}');
  });

  it('writes nothing, and says so, for a value with no JSON at all', () => {
    expect(written(undefined)).toEqual({ text: '', wrote: false });
    expect(written(() => 1)).toEqual({ text: '', wrote: false });
    expect(written({ toJSON: () => undefined })).toEqual({ text: '', wrote: false });
    expect(written(null)).toEqual({ text: 'null', wrote: true });
  });

  it('hands anything but plain data to JSON.stringify', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    const values = [
      { at: new Date(Date.UTC(2026, 10, 30)) },
      { map: new Map([['a', 1]]), boxed: [Object(1) as unknown, Object('s') as unknown] },
      { point: new Point(1, 2), bare, own: { toJSON: () => ({ replaced: true }) } },
    ];
    for (const value of values) expectStringifyBytes(value);
    expect(() => written({ n: 1n })).toThrow(TypeError);
  });

  it('keeps order: integer-like keys first, then the others as they were added', () => {
    expectStringifyBytes({ b: 1, 2: 'two', a: 2, 1: 'one', '-1': 'minus' });
  });

  it('stays exact for generated records, also past its bound of remembered keys', () => {
    const next = random(42);
    const json = new JsonBytesWriter();
    for (let i = 0; i < 500; i++) expectStringifyBytes({ i, value: generated(next, 0) }, json);
    const many: Record<string, number> = {};
    for (let i = 0; i < 1500; i++) many[`key ${i} "${i % 7}"`] = i;
    expectStringifyBytes(many, json);
    expectStringifyBytes(many, json);
  });

  it('grows the buffer for a large record', () => {
    const large = { items: Array.from({ length: 2000 }, (_, i) => ({ i, text: `item ${i}` })) };
    const { text } = written(large);
    expect(text).toBe(JSON.stringify(large));
    expect(text.length).toBeGreaterThan(30_000);
  });
});
