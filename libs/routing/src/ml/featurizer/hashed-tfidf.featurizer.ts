import { decodeFloat32, encodeFloat32 } from '../float-codec';
import type { Featurizer, FeaturizerSpec, PromptFeatures } from '../ml.types';
import {
  HASHED_TFIDF_DEFAULTS,
  HASHED_TFIDF_KIND,
  HASHED_TFIDF_VERSION,
  type HashedTfidfOptions,
  validateOptions,
} from './hashed-tfidf.options';
import { assertSortedIndices, decodeUint32, encodeUint32 } from './sparse-codec';
import { DENSE_FEATURE_NAMES, rawDenseFeatures } from './text-stats';
import { TermCounts, countTerms, type TermOptions } from './text-terms';

const DENSE_SIZE = DENSE_FEATURE_NAMES.length;
/** Term counts packed below the bucket in one sort key; larger counts saturate (TF is log). */
const COUNT_SPAN = 2 ** 21;

/** What `fit` learns: IDF per bucket (0 = unseen, dropped) and dense feature statistics. */
interface FittedState {
  readonly documents: number;
  readonly idf: Float32Array;
  readonly denseMean: Float32Array;
  readonly denseStd: Float32Array;
}

/**
 * The built-in offline featurizer: hashed word n-gram (optionally char n-gram) TF-IDF with
 * sublinear TF, L2-normalised, plus cheap standardised text features. Deterministic, no
 * downloads; a few microseconds per prompt. Buckets never seen in training are dropped, as a
 * fixed vocabulary would.
 */
export class HashedTfidfFeaturizer implements Featurizer {
  readonly kind = HASHED_TFIDF_KIND;
  readonly sparseSize: number;
  readonly denseSize = DENSE_SIZE;
  private readonly terms: TermOptions;
  // Scratch reused across calls: featurize is synchronous and never re-entered.
  private readonly scratch = new TermCounts();
  private readonly rawDense = new Float64Array(DENSE_SIZE);
  private keys = new Float64Array(256);

  private constructor(
    readonly options: HashedTfidfOptions,
    private readonly state: FittedState,
  ) {
    this.sparseSize = 2 ** options.sparseBits;
    this.terms = {
      wordNgrams: options.wordNgrams,
      charNgrams: options.charNgrams,
      edgeTokens: options.edgeTokens,
      mask: this.sparseSize - 1,
    };
  }

  /**
   * Learns IDF and dense statistics from training texts.
   * @throws RangeError on bad options or no texts.
   */
  static fit(
    texts: readonly string[],
    options: Partial<HashedTfidfOptions> = {},
  ): HashedTfidfFeaturizer {
    const valid = validateOptions({ ...HASHED_TFIDF_DEFAULTS, ...options });
    if (texts.length === 0) throw new RangeError('cannot fit a featurizer on no texts');
    const size = 2 ** valid.sparseBits;
    const df = new Uint32Array(size);
    const sum = new Float64Array(DENSE_SIZE);
    const squares = new Float64Array(DENSE_SIZE);
    const probe = new HashedTfidfFeaturizer(valid, emptyState(size));
    for (const text of texts) {
      const raw = probe.countText(text);
      for (let i = 0; i < probe.scratch.size; i++) df[probe.scratch.bucketAt(i)]!++;
      for (let i = 0; i < DENSE_SIZE; i++) {
        sum[i]! += raw[i]!;
        squares[i]! += raw[i]! * raw[i]!;
      }
    }
    const n = texts.length;
    const idf = new Float32Array(size);
    for (let b = 0; b < size; b++) {
      if (df[b]! >= valid.minDf) idf[b] = Math.log((1 + n) / (1 + df[b]!)) + 1;
    }
    const denseMean = new Float32Array(DENSE_SIZE);
    const denseStd = new Float32Array(DENSE_SIZE);
    for (let i = 0; i < DENSE_SIZE; i++) {
      const mean = sum[i]! / n;
      const std = Math.sqrt(Math.max(squares[i]! / n - mean * mean, 0));
      denseMean[i] = mean;
      denseStd[i] = std > 1e-6 ? std : 1;
    }
    return new HashedTfidfFeaturizer(valid, { documents: n, idf, denseMean, denseStd });
  }

  /**
   * Rebuilds a featurizer from `toJSON` output.
   * @throws RangeError on any malformed or inconsistent field (artifacts may be hostile).
   */
  static fromJSON(spec: FeaturizerSpec): HashedTfidfFeaturizer {
    if (spec === null || typeof spec !== 'object')
      throw new RangeError('featurizer spec is not an object');
    if (spec.kind !== HASHED_TFIDF_KIND)
      throw new RangeError(`featurizer kind is not ${HASHED_TFIDF_KIND}`);
    if (spec.version !== HASHED_TFIDF_VERSION) {
      throw new RangeError(`unsupported ${HASHED_TFIDF_KIND} version ${String(spec.version)}`);
    }
    const options = validateOptions({
      sparseBits: spec.sparse_bits,
      wordNgrams: spec.word_ngrams,
      charNgrams: spec.char_ngrams,
      edgeTokens: spec.edge_tokens,
      maxChars: spec.max_chars,
      minDf: spec.min_df,
    });
    const documents = spec.documents;
    if (typeof documents !== 'number' || !Number.isInteger(documents) || documents < 1) {
      throw new RangeError('documents must be a positive integer');
    }
    const names = spec.dense_features;
    if (!Array.isArray(names) || names.join(',') !== DENSE_FEATURE_NAMES.join(',')) {
      throw new RangeError('dense_features do not match this featurizer version');
    }
    const size = 2 ** options.sparseBits;
    const idf = decodeIdf(spec.idf_indices, spec.idf_values, size);
    const denseMean = decodeFloat32(spec.dense_mean as string, DENSE_SIZE);
    const denseStd = decodeFloat32(spec.dense_std as string, DENSE_SIZE);
    if (denseStd.some((std) => !(std > 0))) throw new RangeError('dense_std must be positive');
    return new HashedTfidfFeaturizer(options, { documents, idf, denseMean, denseStd });
  }

  /** Buckets with an IDF (seen in training, at least `minDf` times). */
  get vocabularySize(): number {
    let count = 0;
    for (const value of this.state.idf) if (value > 0) count++;
    return count;
  }

  featurize(text: string): PromptFeatures {
    const raw = this.countText(text);
    const { denseMean, denseStd } = this.state;
    const dense = new Float32Array(DENSE_SIZE);
    for (let i = 0; i < DENSE_SIZE; i++) dense[i] = (raw[i]! - denseMean[i]!) / denseStd[i]!;
    return { sparse: this.sparseVector(), dense };
  }

  toJSON(): FeaturizerSpec {
    const { idf, documents, denseMean, denseStd } = this.state;
    const indices: number[] = [];
    for (let b = 0; b < idf.length; b++) if (idf[b]! > 0) indices.push(b);
    const { sparseBits, wordNgrams, charNgrams, edgeTokens, maxChars, minDf } = this.options;
    return {
      kind: HASHED_TFIDF_KIND,
      version: HASHED_TFIDF_VERSION,
      sparse_bits: sparseBits,
      word_ngrams: wordNgrams,
      char_ngrams: charNgrams === null ? null : [...charNgrams],
      edge_tokens: edgeTokens,
      max_chars: maxChars,
      min_df: minDf,
      documents,
      idf_indices: encodeUint32(Uint32Array.from(indices)),
      idf_values: encodeFloat32(Float32Array.from(indices, (b) => idf[b]!)),
      dense_features: [...DENSE_FEATURE_NAMES],
      dense_mean: encodeFloat32(denseMean),
      dense_std: encodeFloat32(denseStd),
    };
  }

  /** Counts `text`'s terms into the scratch and returns its raw dense features. */
  private countText(text: string): Float64Array {
    const cut = clip(text, this.options.maxChars);
    countTerms(cut.toLowerCase(), this.terms, this.scratch);
    return rawDenseFeatures(cut, text.length, this.scratch, this.rawDense);
  }

  /** The scratch's counts as sublinear TF × IDF, unseen buckets dropped, L2-normalised. */
  private sparseVector(): PromptFeatures['sparse'] {
    const { idf } = this.state;
    const terms = this.scratch;
    if (this.keys.length < terms.size) this.keys = new Float64Array(terms.size * 2);
    // Sort (bucket, count) pairs as one float64 key each: bucket * 2^21 + count (both exact).
    let n = 0;
    for (let i = 0; i < terms.size; i++) {
      const bucket = terms.bucketAt(i);
      if (idf[bucket]! > 0)
        this.keys[n++] = bucket * COUNT_SPAN + Math.min(terms.countAt(i), COUNT_SPAN - 1);
    }
    const sorted = this.keys.subarray(0, n).sort();
    const indices = new Uint32Array(n);
    const values = new Float32Array(n);
    let norm = 0;
    for (let i = 0; i < n; i++) {
      const bucket = Math.floor(sorted[i]! / COUNT_SPAN);
      const weight = (1 + Math.log(sorted[i]! - bucket * COUNT_SPAN)) * idf[bucket]!;
      indices[i] = bucket;
      values[i] = weight;
      norm += weight * weight;
    }
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < n; i++) values[i]! *= scale;
    }
    return { indices, values };
  }
}

/**
 * The first and last halves of an over-long text: a prompt's task is usually stated at its start
 * (instructions) or end (the question after a long context).
 */
function clip(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = Math.ceil(maxChars / 2);
  return `${text.slice(0, head)}\n${text.slice(text.length - (maxChars - head))}`;
}

function emptyState(size: number): FittedState {
  const ones = new Float32Array(DENSE_SIZE).fill(1);
  return {
    documents: 1,
    idf: new Float32Array(size),
    denseMean: new Float32Array(DENSE_SIZE),
    denseStd: ones,
  };
}

function decodeIdf(indicesText: unknown, valuesText: unknown, size: number): Float32Array {
  const indices = decodeUint32(indicesText);
  assertSortedIndices(indices, size, 'idf_indices');
  const values = decodeFloat32(valuesText as string, indices.length);
  const idf = new Float32Array(size);
  for (let i = 0; i < indices.length; i++) {
    const value = values[i]!;
    if (!(value > 0) || value > 64) throw new RangeError('idf_values must be in (0, 64]');
    idf[indices[i]!] = value;
  }
  return idf;
}
