import { encodeFloat32 } from '../../float-codec';
import type { QualityModelSpec } from '../../ml.types';
import { MAX_DENSE_SIZE, ModelSpecReader } from '../shared/model-spec.reader';
import type { KnnData } from './knn.model';

/** Spec version of a kNN over dense unit vectors (prompt embeddings). */
export const DENSE_VERSION = 2;
/** Stored in place of an unknown score (float-codec refuses NaN). */
const UNKNOWN_SCORE = -1;
const MAX_QUERIES = 1_000_000;
/** Most stored dense values (queries × dense_size): bounds what a hostile artifact allocates. */
const MAX_DENSE_VALUES = 2 ** 26;
/** How far from 1 a stored unit vector's length may be (float32 rounding, nothing more). */
const UNIT_TOLERANCE = 1e-3;

/** Scores as base64 float32, unknown (NaN) ones as UNKNOWN_SCORE. */
export function encodeScores(scores: Float32Array): string {
  return encodeFloat32(scores.map((score) => (Number.isNaN(score) ? UNKNOWN_SCORE : score)));
}

/** The spec of a dense-mode model (version 2). */
export function denseSpec(data: KnnData, queries: number): QualityModelSpec {
  const { k, power, prior, denseSize, vectors, scores } = data;
  return {
    kind: 'knn',
    version: DENSE_VERSION,
    k,
    power,
    prior,
    dense_size: denseSize,
    queries,
    vectors: encodeFloat32(vectors!),
    scores: encodeScores(scores),
  };
}

/**
 * Reads a dense-mode spec (version 2): unit vectors instead of sparse rows.
 * @throws RangeError on any missing, mistyped, out-of-range or inconsistent field.
 */
export function readDense(spec: QualityModelSpec, width: number): KnnData {
  const reader = new ModelSpecReader(spec, 'knn', DENSE_VERSION);
  const queries = reader.integer('queries', 1, MAX_QUERIES);
  const denseSize = reader.integer('dense_size', 1, MAX_DENSE_SIZE);
  if (queries * denseSize > MAX_DENSE_VALUES) {
    throw new RangeError(`knn model holds more than ${MAX_DENSE_VALUES} dense values`);
  }
  const k = reader.integer('k', 1, 1000);
  const power = reader.number('power', 0, 16);
  const prior = reader.number('prior', 0, 1000);
  const vectors = reader.floats('vectors', queries * denseSize);
  checkUnitRows(vectors, denseSize);
  const scores = decodeScores(reader.floats('scores', queries * width));
  return denseData({ k, power, prior }, denseSize, vectors, scores);
}

/** A dense-mode `KnnData`: the sparse fields hold nothing (no rows, nothing to prune). */
export function denseData(
  options: Pick<KnnData, 'k' | 'power' | 'prior'>,
  denseSize: number,
  vectors: Float32Array,
  scores: Float32Array,
): KnnData {
  const queries = vectors.length / denseSize;
  return {
    ...options,
    maxDf: 1,
    maxQueryTerms: 0,
    sparseSize: 1,
    denseSize,
    rows: {
      offsets: new Uint32Array(queries + 1),
      indices: new Uint32Array(0),
      values: new Float32Array(0),
    },
    scores,
    vectors,
  };
}

/** Each stored vector must be of unit length, or all zero (a prompt without an embedding). */
function checkUnitRows(vectors: Float32Array, size: number): void {
  for (let base = 0; base < vectors.length; base += size) {
    let norm = 0;
    for (let i = base; i < base + size; i++) norm += vectors[i]! * vectors[i]!;
    if (norm !== 0 && Math.abs(Math.sqrt(norm) - 1) > UNIT_TOLERANCE) {
      throw new RangeError(`knn model vector ${base / size} is not of unit length`);
    }
  }
}

/**
 * Stored scores back to [0, 1] or NaN (in place).
 * @throws RangeError on any other value.
 */
export function decodeScores(stored: Float32Array): Float32Array {
  for (let i = 0; i < stored.length; i++) {
    const score = stored[i]!;
    if (score === UNKNOWN_SCORE) stored[i] = NaN;
    else if (!(score >= 0 && score <= 1)) {
      throw new RangeError(`knn model score ${i} is neither in [0, 1] nor ${UNKNOWN_SCORE}`);
    }
  }
  return stored;
}
