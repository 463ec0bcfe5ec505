import { toJson, withRawJson } from './raw-json';

describe('raw JSON tags', () => {
  it('sends the upstream text verbatim for a tagged payload', () => {
    const text = '{ "id": "x",  "n": 1 }';
    const payload = withRawJson(JSON.parse(text) as object, text);
    expect(toJson(payload)).toBe(text);
  });

  it('is invisible to JSON.stringify and enumeration', () => {
    const payload = withRawJson({ a: 1 }, '{"a":1}');
    expect(JSON.stringify(payload)).toBe('{"a":1}');
    expect(Object.keys(payload)).toEqual(['a']);
  });

  it('is dropped by a spread, so a changed payload is serialised again', () => {
    const payload = withRawJson({ a: 1 }, '{"a":1}');
    expect(toJson({ ...payload, a: 2 })).toBe('{"a":2}');
  });

  it('serialises an untagged payload', () => {
    expect(toJson({ b: [1, 2] })).toBe('{"b":[1,2]}');
  });
});
