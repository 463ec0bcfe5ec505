import { tokenOf } from '../cache-key';
import { cosine, denseVector, termVector } from './prompt-vector';
import {
  fromSharedEntry,
  MAX_SHARED_DIMENSIONS,
  MAX_SHARED_ENTRY_CHARS,
  type SharedIndexEntry,
  toSharedEntry,
} from './semantic-entry.mapper';
import { guardRefusal, promptFacts } from './semantic-guard';
import type { IndexedPrompt } from './semantic-index';

const NOW = 1_700_000_000_000;
const HASH = 'a'.repeat(64);
const SPACE = 'b'.repeat(32);
const TEXT = 'What is the capital of "New South Wales" in 2024?';

function prompt(vector = termVector(TEXT), text = TEXT): IndexedPrompt {
  const scope = 'team:t1';
  const model = 'gpt-4o-mini';
  return {
    address: { hash: HASH, scope, scopeToken: tokenOf(scope), model, modelToken: tokenOf(model) },
    space: SPACE,
    vector,
    facts: promptFacts(text),
    expiresAt: NOW + 60_000,
  };
}

const shared = (source = prompt()): SharedIndexEntry => {
  const entry = toSharedEntry(source);
  if (!entry) throw new Error('not shareable');
  return entry;
};
const base64Floats = (values: number[]) =>
  Buffer.from(new Float32Array(values).buffer).toString('base64');
const base64Uints = (values: number[]) =>
  Buffer.from(new Uint32Array(values).buffer).toString('base64');

describe('semantic index entry mapper', () => {
  it('round-trips a sparse term vector, the guard facts and the address through JSON', () => {
    const source = prompt();
    const back = fromSharedEntry(JSON.stringify(shared(source)), NOW);
    expect(back).toBeDefined();
    expect(back!.address).toEqual(source.address);
    expect([back!.space, back!.expiresAt]).toEqual([SPACE, source.expiresAt]);
    expect([...back!.vector.indices]).toEqual([...source.vector.indices]);
    expect(cosine(back!.vector, source.vector)).toBeCloseTo(1, 6);
    expect(back!.facts).toEqual(source.facts);
    const paraphrase = promptFacts('What is the capital city of New South Wales in 2024?');
    expect(guardRefusal(paraphrase, back!.facts)).toBeUndefined();
    expect(
      guardRefusal(promptFacts('The capital of "New South Wales" in 2025?'), back!.facts),
    ).toBe('numbers');
  });

  it('encodes a dense embedding as Float32 values only, and decodes it', () => {
    const source = prompt(denseVector([3, 4, 0, 12]));
    const entry = shared(source);
    expect(entry.vector).toEqual({ kind: 'dense', values: expect.any(String) });
    const back = fromSharedEntry(entry, NOW)!;
    expect([...back.vector.indices]).toEqual([0, 1, 2, 3]);
    expect(back.vector.values[3]).toBeCloseTo(12 / 13, 6);
  });

  it('keeps no prompt text in what it shares', () => {
    const text = JSON.stringify(shared());
    for (const word of ['capital', 'new south wales', 'wales', '2024']) {
      expect(text.toLowerCase()).not.toContain(word);
    }
  });

  it('does not share an embedding larger than the limit', () => {
    const huge = denseVector(Array.from({ length: MAX_SHARED_DIMENSIONS + 1 }, () => 1));
    expect(toSharedEntry(prompt(huge))).toBeUndefined();
  });

  it.each<[string, (entry: SharedIndexEntry) => unknown]>([
    ['another version', (e) => ({ ...e, v: 2 })],
    ['a hash that is not hex', (e) => ({ ...e, hash: 'z'.repeat(64) })],
    ['a short space token', (e) => ({ ...e, space: 'abc' })],
    ['no scope', (e) => ({ ...e, scope: '' })],
    ['a huge model name', (e) => ({ ...e, model: 'm'.repeat(600) })],
    ['an expired entry', (e) => ({ ...e, expires_at: NOW })],
    ['an expiry that is not a number', (e) => ({ ...e, expires_at: '1e20' })],
    ['a NaN value', (e) => ({ ...e, vector: { kind: 'dense', values: base64Floats([NaN, 1]) } })],
    [
      'an infinite value',
      (e) => ({ ...e, vector: { kind: 'dense', values: base64Floats([Infinity]) } }),
    ],
    [
      'a vector that is not unit length',
      (e) => ({ ...e, vector: { kind: 'dense', values: base64Floats([3, 4]) } }),
    ],
    ['an empty vector', (e) => ({ ...e, vector: { kind: 'dense', values: '' } })],
    [
      'too many dimensions',
      (e) => ({
        ...e,
        vector: {
          kind: 'dense',
          values: base64Floats(new Array<number>(MAX_SHARED_DIMENSIONS + 1).fill(0)),
        },
      }),
    ],
    [
      'unsorted sparse indices',
      (e) => ({
        ...e,
        vector: { kind: 'sparse', indices: base64Uints([5, 2]), values: base64Floats([0.6, 0.8]) },
      }),
    ],
    [
      'repeated sparse indices',
      (e) => ({
        ...e,
        vector: { kind: 'sparse', indices: base64Uints([2, 2]), values: base64Floats([0.6, 0.8]) },
      }),
    ],
    [
      'indices and values of different lengths',
      (e) => ({
        ...e,
        vector: { kind: 'sparse', indices: base64Uints([1]), values: base64Floats([0.6, 0.8]) },
      }),
    ],
    ['an unknown vector kind', (e) => ({ ...e, vector: { ...e.vector, kind: 'other' } })],
    [
      'a value that is not base64',
      (e) => ({ ...e, vector: { kind: 'dense', values: 'not base64!' } }),
    ],
    ['bytes that are not whole items', (e) => ({ ...e, facts: { ...e.facts, words: 'AAAAAAA=' } })],
    [
      'an odd entity list',
      (e) => ({ ...e, facts: { ...e.facts, entities: base64Uints([1, 2, 3]) } }),
    ],
    ['a negative negation count', (e) => ({ ...e, facts: { ...e.facts, negations: -1 } })],
    ['facts missing', (e) => ({ ...e, facts: undefined })],
  ])('drops an entry with %s', (_reason, corrupt) => {
    const entry = corrupt(shared());
    expect(fromSharedEntry(entry, NOW)).toBeUndefined();
    expect(fromSharedEntry(JSON.stringify(entry), NOW)).toBeUndefined();
  });

  it('never throws on garbage, and refuses oversized text before parsing it', () => {
    const garbage: unknown[] = [
      undefined,
      null,
      42,
      'not json',
      '{"v":1',
      [],
      { v: 1 },
      { v: 1, vector: null, facts: null },
      `"${'x'.repeat(MAX_SHARED_ENTRY_CHARS)}"`,
    ];
    for (const raw of garbage) expect(fromSharedEntry(raw, NOW)).toBeUndefined();
  });
});
