import { encodeFloat32 } from '../float-codec';
import type { FeaturizerSpec, SparseVector } from '../ml.types';
import { HashedTfidfFeaturizer } from './hashed-tfidf.featurizer';
import { encodeUint32 } from './sparse-codec';
import { DENSE_FEATURE_NAMES } from './text-stats';

const TEXTS = [
  'What is the capital of France?',
  'Write a Python function that returns the sum of a list.\n```python\ndef total(xs):\n    return sum(xs)\n```',
  'Which is a mammal?\nA) shark\nB) whale\nC) trout\nD) eel',
  'Solve for x: 3x + 5 = 20. What is x?',
  'I have 12 apples and eat 5 of them. How many apples are left?',
  'Translate into German: the dog bites the man.',
  'Café naïve résumé — Ελληνικά и русский текст.',
  'man bites dog',
];

const featurizer = HashedTfidfFeaturizer.fit(TEXTS, { sparseBits: 16 });

function dot(a: SparseVector, b: SparseVector): number {
  let sum = 0;
  for (let i = 0, j = 0; i < a.indices.length && j < b.indices.length;) {
    if (a.indices[i] === b.indices[j]) sum += a.values[i++]! * b.values[j++]!;
    else if (a.indices[i]! < b.indices[j]!) i++;
    else j++;
  }
  return sum;
}

function specWith(fields: Record<string, unknown>): FeaturizerSpec {
  return { ...featurizer.toJSON(), ...fields };
}

describe(HashedTfidfFeaturizer.name, () => {
  it('gives an L2-normalised sparse vector with strictly increasing in-range indices', () => {
    for (const text of TEXTS) {
      const { sparse, dense } = featurizer.featurize(text);
      expect(sparse.indices.length).toBe(sparse.values.length);
      expect(sparse.indices.length).toBeGreaterThan(0);
      expect(dot(sparse, sparse)).toBeCloseTo(1, 5);
      for (let i = 0; i < sparse.indices.length; i++) {
        expect(sparse.indices[i]!).toBeLessThan(featurizer.sparseSize);
        if (i > 0) expect(sparse.indices[i]!).toBeGreaterThan(sparse.indices[i - 1]!);
      }
      expect(dense).toHaveLength(featurizer.denseSize);
    }
    expect(featurizer.sparseSize).toBe(2 ** 16);
    expect(featurizer.denseSize).toBe(DENSE_FEATURE_NAMES.length);
  });

  it('is deterministic across calls and across independently fitted instances', () => {
    const again = HashedTfidfFeaturizer.fit(TEXTS, { sparseBits: 16 });
    expect(again.featurize(TEXTS[1]!)).toEqual(featurizer.featurize(TEXTS[1]!));
    expect(featurizer.featurize(TEXTS[2]!)).toEqual(featurizer.featurize(TEXTS[2]!));
  });

  it('lower-cases Unicode words and keeps non-Latin scripts as terms', () => {
    const lower = featurizer.featurize('café naïve ελληνικά');
    const upper = featurizer.featurize('CAFÉ NAÏVE ΕΛΛΗΝΙΚΆ');
    expect(upper.sparse).toEqual(lower.sparse);
    expect(featurizer.featurize('русский').sparse.indices.length).toBe(1);
  });

  it('shares a number class token, so prompts differing only in numbers stay close', () => {
    const a = featurizer.featurize('I have 31 apples and eat 2 of them');
    const b = featurizer.featurize('I have 8 apples and eat 6 of them');
    const c = featurizer.featurize('Translate into German: the capital');
    expect(dot(a.sparse, b.sparse)).toBeGreaterThan(0.9);
    expect(dot(a.sparse, c.sparse)).toBeLessThan(0.3);
  });

  it('tells word order apart through bigrams', () => {
    const a = featurizer.featurize('the dog bites the man').sparse;
    const b = featurizer.featurize('the man bites the dog').sparse;
    expect(dot(a, b)).toBeLessThan(0.99);
    expect(dot(a, b)).toBeGreaterThan(0.3);
  });

  it('counts the first and last edgeTokens tokens with their position', () => {
    const words = ['answer the question', 'the question answer'];
    const plain = HashedTfidfFeaturizer.fit(words, { wordNgrams: 1, edgeTokens: 0 });
    const edges = HashedTfidfFeaturizer.fit(words, { wordNgrams: 1, edgeTokens: 1 });
    expect(plain.featurize(words[0]!).sparse).toEqual(plain.featurize(words[1]!).sparse);
    expect(edges.featurize(words[0]!).sparse).not.toEqual(edges.featurize(words[1]!).sparse);
    expect(edges.featurize(words[0]!).sparse.indices).toHaveLength(5); // 3 words, first, last
  });

  it('drops terms never seen in training (empty vector for an all-unseen text)', () => {
    const { sparse } = featurizer.featurize('zyzzyva quokka');
    expect(sparse.indices).toHaveLength(0);
    expect(sparse.values).toHaveLength(0);
    const empty = featurizer.featurize('');
    expect(empty.sparse.indices).toHaveLength(0);
    expect(Array.from(empty.dense).every(Number.isFinite)).toBe(true);
  });

  it('reads only the first and last maxChars/2 characters of a long text', () => {
    const head = 'Which is a mammal?';
    const tail = 'How many apples?'.padStart(head.length);
    const clipped = HashedTfidfFeaturizer.fit(TEXTS, { sparseBits: 16, maxChars: head.length * 2 });
    const a = clipped.featurize(`${head} the dog bites the man ${tail}`).sparse;
    const b = clipped.featurize(`${head} a Python function sum ${tail}`).sparse;
    const c = clipped.featurize(`${head} a Python function sum? capital France`).sparse;
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('shares char n-grams between a word and its misspelling only when enabled', () => {
    const withChars = HashedTfidfFeaturizer.fit(TEXTS, { sparseBits: 16, charNgrams: [3, 5] });
    expect(
      dot(withChars.featurize('capitol').sparse, withChars.featurize('capital').sparse),
    ).toBeGreaterThan(0.2);
    expect(featurizer.featurize('capitol').sparse.indices).toHaveLength(0);
  });

  it('standardises dense features to zero mean over the training texts', () => {
    const rows = TEXTS.map((text) => featurizer.featurize(text).dense);
    for (let i = 0; i < featurizer.denseSize; i++) {
      const mean = rows.reduce((sum, row) => sum + row[i]!, 0) / rows.length;
      expect(Math.abs(mean)).toBeLessThan(1e-4);
    }
  });

  it('marks code, maths and multiple-choice prompts in their dense features', () => {
    const at = (text: string, name: (typeof DENSE_FEATURE_NAMES)[number]): number =>
      featurizer.featurize(text).dense[DENSE_FEATURE_NAMES.indexOf(name)]!;
    const prose = TEXTS[0]!;
    expect(at(TEXTS[1]!, 'log_code_markers')).toBeGreaterThan(at(prose, 'log_code_markers'));
    expect(at(TEXTS[3]!, 'log_math_markers')).toBeGreaterThan(at(prose, 'log_math_markers'));
    expect(at(TEXTS[2]!, 'log_choice_markers')).toBeGreaterThan(at(prose, 'log_choice_markers'));
    expect(at(TEXTS[6]!, 'non_ascii_ratio')).toBeGreaterThan(at(prose, 'non_ascii_ratio'));
  });

  it('round-trips through JSON exactly', () => {
    const spec = JSON.parse(JSON.stringify(featurizer.toJSON())) as FeaturizerSpec;
    const rebuilt = HashedTfidfFeaturizer.fromJSON(spec);
    expect(rebuilt.toJSON()).toEqual(spec);
    for (const text of [...TEXTS, 'something new about Python sums']) {
      expect(rebuilt.featurize(text)).toEqual(featurizer.featurize(text));
    }
    expect(spec).toMatchObject({ kind: 'hashed-tfidf', version: 1, sparse_bits: 16 });
  });

  it('refuses bad fit input', () => {
    expect(() => HashedTfidfFeaturizer.fit([])).toThrow(RangeError);
    expect(() => HashedTfidfFeaturizer.fit(TEXTS, { sparseBits: 40 })).toThrow(/sparseBits/);
    expect(() => HashedTfidfFeaturizer.fit(TEXTS, { wordNgrams: 0 })).toThrow(/wordNgrams/);
    expect(() => HashedTfidfFeaturizer.fit(TEXTS, { charNgrams: [5, 3] })).toThrow(/charNgrams/);
    expect(() => HashedTfidfFeaturizer.fit(TEXTS, { edgeTokens: -1 })).toThrow(/edgeTokens/);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['another kind', { kind: 'other' }, /kind/],
    ['another version', { version: 2 }, /version/],
    ['a huge sparse space', { sparse_bits: 31 }, /sparseBits/],
    ['a fractional n-gram length', { word_ngrams: 1.5 }, /wordNgrams/],
    ['malformed char n-grams', { char_ngrams: 'x' }, /charNgrams/],
    ['too many edge tokens', { edge_tokens: 17 }, /edgeTokens/],
    ['no documents', { documents: 0 }, /documents/],
    ['unknown dense features', { dense_features: ['log_chars'] }, /dense_features/],
    [
      'unsorted IDF indices',
      {
        idf_indices: encodeUint32(Uint32Array.from([5, 3])),
        idf_values: encodeFloat32(Float32Array.from([1, 1])),
      },
      /increasing/,
    ],
    [
      'an IDF index out of range',
      {
        idf_indices: encodeUint32(Uint32Array.from([1 << 16])),
        idf_values: encodeFloat32(Float32Array.from([1])),
      },
      /out of range/,
    ],
    [
      'IDF values of the wrong length',
      { idf_values: encodeFloat32(new Float32Array(1)) },
      /expected/,
    ],
    [
      'a negative IDF',
      {
        idf_indices: encodeUint32(Uint32Array.from([1])),
        idf_values: encodeFloat32(Float32Array.from([-1])),
      },
      /idf_values/,
    ],
    [
      'non-finite means',
      { dense_mean: encodeFloat32(new Float32Array(DENSE_FEATURE_NAMES.length).fill(Infinity)) },
      /not finite/,
    ],
    [
      'a zero deviation',
      { dense_std: encodeFloat32(new Float32Array(DENSE_FEATURE_NAMES.length)) },
      /dense_std/,
    ],
    ['indices that are not base64', { idf_indices: '%%%' }, /base64/],
  ])('refuses a spec with %s', (_label, fields, message) => {
    expect(() => HashedTfidfFeaturizer.fromJSON(specWith(fields))).toThrow(RangeError);
    expect(() => HashedTfidfFeaturizer.fromJSON(specWith(fields))).toThrow(message);
  });
});
