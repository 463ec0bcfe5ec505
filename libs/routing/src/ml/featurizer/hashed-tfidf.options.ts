/** Options of `HashedTfidfFeaturizer.fit`; all stored in the spec. */
export interface HashedTfidfOptions {
  /** The sparse space has 2^sparseBits buckets (10–22). */
  readonly sparseBits: number;
  /** Longest word n-gram (1–3). */
  readonly wordNgrams: number;
  /** Character n-gram lengths within words, or null for none. */
  readonly charNgrams: readonly [number, number] | null;
  /** The first and last this many tokens also count with their position (0–16). */
  readonly edgeTokens: number;
  /** Longer texts are featurized by their first and last maxChars/2 characters (bounded cost). */
  readonly maxChars: number;
  /** Buckets seen in fewer training texts than this are dropped (smaller artifacts). */
  readonly minDf: number;
}

export const HASHED_TFIDF_KIND = 'hashed-tfidf';
export const HASHED_TFIDF_VERSION = 1;

export const HASHED_TFIDF_DEFAULTS: HashedTfidfOptions = {
  sparseBits: 18,
  wordNgrams: 2,
  charNgrams: null,
  edgeTokens: 4,
  maxChars: 2048,
  minDf: 1,
};

function integerIn(value: unknown, min: number, max: number, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}]`);
  }
  return value;
}

/**
 * Checks every option (from a caller or a hostile spec).
 * @throws RangeError naming the bad option.
 */
export function validateOptions(options: {
  readonly [K in keyof HashedTfidfOptions]: unknown;
}): HashedTfidfOptions {
  const charNgrams = options.charNgrams;
  let chars: readonly [number, number] | null = null;
  if (charNgrams !== null) {
    if (!Array.isArray(charNgrams) || charNgrams.length !== 2) {
      throw new RangeError('charNgrams must be null or [min, max]');
    }
    const min = integerIn(charNgrams[0], 2, 8, 'charNgrams[0]');
    chars = [min, integerIn(charNgrams[1], min, 8, 'charNgrams[1]')];
  }
  return {
    sparseBits: integerIn(options.sparseBits, 10, 22, 'sparseBits'),
    wordNgrams: integerIn(options.wordNgrams, 1, 3, 'wordNgrams'),
    charNgrams: chars,
    edgeTokens: integerIn(options.edgeTokens, 0, 16, 'edgeTokens'),
    maxChars: integerIn(options.maxChars, 16, 1_000_000, 'maxChars'),
    minDf: integerIn(options.minDf, 1, 1_000_000, 'minDf'),
  };
}
