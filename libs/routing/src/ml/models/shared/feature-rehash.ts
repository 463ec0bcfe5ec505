import { type PromptFeatures } from '../../ml.types';

/**
 * Folds the featurizer's sparse space (2^18 buckets or more) into a smaller one inside a model, so
 * that weight tables stay small enough for a JSON artifact. Signed hashing (each index also gets a
 * ±1 sign) keeps colliding features from adding up in expectation. Depends only on the index, so
 * the model does not need to know the featurizer's size; changing a constant breaks every artifact.
 */

export const MIN_HASH_BITS = 4;
export const MAX_HASH_BITS = 20;

/** Bucket of a sparse index in a 2^bits space (Fibonacci hashing: the top bits are well mixed). */
export function rehashBucket(index: number, bits: number): number {
  return Math.imul(index, 0x9e3779b1) >>> (32 - bits);
}

/** ±1 sign of a sparse index, independent of its bucket. */
export function rehashSign(index: number): number {
  return Math.imul(index ^ 0x5bd1e995, 0x85ebca77) < 0 ? -1 : 1;
}

/** Training queries with the sparse part rehashed, as CSR rows, plus the dense part row-major. */
export interface RehashedRows {
  readonly count: number;
  readonly bits: number;
  readonly denseSize: number;
  /** Row q's entries are `[offsets[q], offsets[q + 1])`. */
  readonly offsets: Int32Array;
  readonly buckets: Int32Array;
  /** Values with the sign already applied. */
  readonly values: Float32Array;
  /** `dense[q * denseSize + i]`. */
  readonly dense: Float32Array;
}

/** Rehashes every query once so training epochs do not hash again. */
export function rehashRows(features: readonly PromptFeatures[], bits: number): RehashedRows {
  const denseSize = features[0]?.dense.length ?? 0;
  const offsets = new Int32Array(features.length + 1);
  for (let q = 0; q < features.length; q++) {
    offsets[q + 1] = offsets[q]! + features[q]!.sparse.indices.length;
  }
  const buckets = new Int32Array(offsets[features.length]!);
  const values = new Float32Array(buckets.length);
  const dense = new Float32Array(features.length * denseSize);
  features.forEach((feature, q) => {
    const { indices, values: raw } = feature.sparse;
    const start = offsets[q]!;
    for (let i = 0; i < indices.length; i++) {
      buckets[start + i] = rehashBucket(indices[i]!, bits);
      values[start + i] = raw[i]! * rehashSign(indices[i]!);
    }
    dense.set(feature.dense, q * denseSize);
  });
  return { count: features.length, bits, denseSize, offsets, buckets, values, dense };
}

/**
 * `out[0..width) = bias + x · table` for one prompt, where `table` has 2^bits sparse rows and
 * `dense.length` dense rows of `width` floats each: the first layer of every sparse model.
 */
export function projectFeatures(
  features: PromptFeatures,
  bits: number,
  sparseTable: Float32Array,
  denseTable: Float32Array,
  bias: Float32Array,
  out: Float64Array,
): Float64Array {
  const width = bias.length;
  for (let k = 0; k < width; k++) out[k] = bias[k]!;
  const { indices, values } = features.sparse;
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    const value = values[i]! * rehashSign(index);
    const row = rehashBucket(index, bits) * width;
    for (let k = 0; k < width; k++) out[k] = out[k]! + value * sparseTable[row + k]!;
  }
  const dense = features.dense;
  for (let i = 0; i < dense.length; i++) {
    const value = dense[i]!;
    const row = i * width;
    for (let k = 0; k < width; k++) out[k] = out[k]! + value * denseTable[row + k]!;
  }
  return out;
}

/** Same as `projectFeatures` for a pre-rehashed training row. */
export function projectRow(
  rows: RehashedRows,
  q: number,
  sparseTable: Float32Array,
  denseTable: Float32Array,
  bias: Float32Array,
  out: Float64Array,
): Float64Array {
  const width = bias.length;
  for (let k = 0; k < width; k++) out[k] = bias[k]!;
  for (let e = rows.offsets[q]!; e < rows.offsets[q + 1]!; e++) {
    const value = rows.values[e]!;
    const row = rows.buckets[e]! * width;
    for (let k = 0; k < width; k++) out[k] = out[k]! + value * sparseTable[row + k]!;
  }
  const base = q * rows.denseSize;
  for (let i = 0; i < rows.denseSize; i++) {
    const value = rows.dense[base + i]!;
    const row = i * width;
    for (let k = 0; k < width; k++) out[k] = out[k]! + value * denseTable[row + k]!;
  }
  return out;
}
