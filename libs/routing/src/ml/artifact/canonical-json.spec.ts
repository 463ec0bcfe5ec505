import { canonicalJson } from './canonical-json';

describe(canonicalJson.name, () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    const value = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x y' } };
    expect(canonicalJson(value)).toBe('{"a":{"c":"x y","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('gives the same text whatever order the keys were written in', () => {
    expect(canonicalJson({ x: 1, y: [1, 2], z: 'ü' })).toBe(
      canonicalJson({ z: 'ü', y: [1, 2], x: 1 }),
    );
  });

  it('leaves out undefined members, as JSON.stringify does', () => {
    expect(canonicalJson({ a: 1, signature: undefined })).toBe('{"a":1}');
  });

  it('escapes strings and keys like JSON', () => {
    expect(canonicalJson({ 'k"\n': 'v\u0000' })).toBe('{"k\\"\\n":"v\\u0000"}');
  });

  it.each([
    [{ a: Number.NaN }, '$.a is not a finite number'],
    [{ a: [Infinity] }, '$.a[0] is not a finite number'],
    [{ a: [undefined] }, '$.a[0] is undefined'],
    [{ a: () => 1 }, '$.a is a function'],
    [{ a: 1n }, '$.a is a bigint'],
  ])('refuses %p', (value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });
});
