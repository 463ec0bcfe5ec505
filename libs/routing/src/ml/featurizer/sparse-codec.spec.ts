import { assertSortedIndices, decodeUint32, encodeUint32 } from './sparse-codec';

describe('sparse codec', () => {
  it('round-trips uint32 values exactly, including the largest', () => {
    const values = Uint32Array.from([0, 1, 65_536, 0xffffffff]);
    expect(Array.from(decodeUint32(encodeUint32(values), 4))).toEqual(Array.from(values));
  });

  it('refuses non-base64, partial values and the wrong length', () => {
    expect(() => decodeUint32('**')).toThrow(/base64/);
    expect(() => decodeUint32(42)).toThrow(/base64/);
    expect(() => decodeUint32(Buffer.from([1, 2]).toString('base64'))).toThrow(/multiple of 4/);
    expect(() => decodeUint32(encodeUint32(new Uint32Array(2)), 3)).toThrow(/expected 3/);
  });

  it('checks strictly increasing indices below a limit, within a range', () => {
    expect(() => assertSortedIndices(Uint32Array.from([1, 2, 9]), 10, 'v')).not.toThrow();
    expect(() => assertSortedIndices(Uint32Array.from([1, 1]), 10, 'v')).toThrow(/v: .*increasing/);
    expect(() => assertSortedIndices(Uint32Array.from([1, 10]), 10, 'v')).toThrow(/out of range/);
    expect(() => assertSortedIndices(Uint32Array.from([5, 1, 2]), 10, 'v', 1, 3)).not.toThrow();
  });
});
