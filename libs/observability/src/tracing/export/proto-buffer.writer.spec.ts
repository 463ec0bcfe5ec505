import { ProtoBufferWriter, viewOf } from './proto-buffer.writer';

const nanosWritten = (write: (w: ProtoBufferWriter) => void): bigint => {
  const w = new ProtoBufferWriter(4);
  write(w);
  return w.finish().readBigUInt64LE(0);
};

describe(ProtoBufferWriter.name, () => {
  describe('fixed64Millis', () => {
    it.each([
      [0, 0n],
      [1, 1_000_000n],
      [1_800_000_000_123, 1_800_000_000_123_000_000n],
      [1_800_000_000_123.5, 1_800_000_000_123_500_000n],
      [4_294_967_296_000, 4_294_967_296_000_000_000n], // seconds past 2^32
    ])('writes %p ms as %p ns', (ms, nanos) => {
      expect(nanosWritten((w) => w.fixed64Millis(ms))).toBe(nanos);
    });

    it('agrees with fixed64HrTime to the quarter microsecond a double holds', () => {
      for (let i = 0; i < 1000; i++) {
        const seconds = 1_700_000_000 + Math.floor(Math.random() * 1e8);
        const nanos = Math.floor(Math.random() * 1e9);
        const ms = seconds * 1e3 + nanos / 1e6;
        const exact = nanosWritten((w) => w.fixed64HrTime([seconds, nanos]));
        const fromMillis = nanosWritten((w) => w.fixed64Millis(ms));
        const difference = exact > fromMillis ? exact - fromMillis : fromMillis - exact;
        expect(difference).toBeLessThanOrEqual(250n);
      }
    });

    it('writes HrTime exactly as BigInt arithmetic does, up to the year 2116', () => {
      const times: Array<[number, number]> = [
        [0, 0],
        [1, 999_999_999],
        [4_611_686_018, 427_387_903], // 2^62 ns, about
        [4_599_999_999, 999_999_999],
      ];
      for (let i = 0; i < 2000; i++)
        times.push([Math.floor(Math.random() * 4.6e9), Math.floor(Math.random() * 1e9)]);
      for (const [seconds, nanos] of times) {
        const written = nanosWritten((w) => w.fixed64HrTime([seconds, nanos]));
        expect(written).toBe(BigInt(seconds) * 1_000_000_000n + BigInt(nanos));
      }
    });

    it('carries a fraction that rounds up to a whole second', () => {
      expect(nanosWritten((w) => w.fixed64Millis(1_999.9999999999))).toBe(2_000_000_000n);
    });
  });

  it('writes raw bytes and raw text (no prefix) as they are, growing the buffer', () => {
    const parts = [
      '',
      'a',
      'ascii piece',
      'é',
      'x'.repeat(63),
      'y'.repeat(64),
      '☕ and 🚀',
      'z'.repeat(5000),
    ];
    const w = new ProtoBufferWriter(4);
    for (const part of parts) {
      w.raw(Buffer.from(part, 'utf8'));
      w.rawText(part);
    }
    const expected = Buffer.concat(parts.flatMap((part) => [Buffer.from(part), Buffer.from(part)]));
    expect(w.finish().equals(expected)).toBe(true);
  });

  it('writes strings as UTF-8 with a minimal varint length, ASCII or not, short or long', () => {
    const texts = [
      '',
      'a',
      'x'.repeat(23),
      'x'.repeat(63),
      'x'.repeat(64),
      'y'.repeat(200),
      'é',
      `${'a'.repeat(60)}é`,
      '日本語'.repeat(15), // 45 units, 135 bytes: a two-byte length
      'emoji 😀 and \u0000',
    ];
    const w = new ProtoBufferWriter(4);
    for (const text of texts) w.string(text);

    const bytes = w.finish();
    let pos = 0;
    for (const text of texts) {
      const prefixAt = pos;
      let length = 0;
      let shift = 0;
      let byte: number;
      do {
        byte = bytes[pos++]!;
        length += (byte & 0x7f) * 2 ** shift;
        shift += 7;
      } while (byte & 0x80);
      const expected = Buffer.from(text, 'utf8');
      expect(length).toBe(expected.length);
      expect(pos - prefixAt).toBe(length < 128 ? 1 : 2); // minimal
      expect(bytes.subarray(pos, pos + length).toString('utf8')).toBe(text);
      pos += length;
    }
    expect(pos).toBe(bytes.length);
  });

  it('writes raw bytes without a length prefix, growing the buffer', () => {
    const w = new ProtoBufferWriter(2);
    w.byte(0x0a);
    w.bytesRaw(Buffer.from([1, 2, 3, 4, 5]));

    expect([...w.finish()]).toEqual([0x0a, 1, 2, 3, 4, 5]);
  });

  it('writes ids as their bytes with a one-byte length, from a view of a pool at any offset', () => {
    // A small Buffer is a slice of Node's shared pool: its view must start at its own bytes.
    const pool = Buffer.from([...Array(40).keys()].map((i) => (i * 37 + 11) & 0xff));
    expect(pool.byteOffset).toBeGreaterThan(0);
    const w = new ProtoBufferWriter(3); // grows twice over the ids
    w.byte(0x0a);
    w.id(viewOf(pool), 4, 16);
    w.byte(0x12);
    w.id(viewOf(pool), 32, 8);

    expect([...w.finish()]).toEqual([
      0x0a,
      16,
      ...pool.subarray(4, 20),
      0x12,
      8,
      ...pool.subarray(32, 40),
    ]);
  });
});
