import { type RehashedRows } from '../shared/feature-rehash';
import { type Random } from '../shared/seeded-random';

/** Result of clustering: unit centroids (bucket-major) and each row's cluster (-1: empty row). */
export interface Clustering {
  readonly clusters: number;
  /** `[bucket * clusters + j]`. */
  readonly centroids: Float32Array;
  readonly assignment: Int32Array;
}

/**
 * Spherical k-means (cosine similarity) over L2-normalised sparse rows, seeded with k-means++
 * so the same seed gives the same clusters. Fewer clusters come back when there are fewer
 * distinct non-empty rows than asked for.
 */
export function sphericalKMeans(
  rows: RehashedRows,
  requested: number,
  iterations: number,
  random: Random,
): Clustering {
  const nonEmpty = countNonEmpty(rows);
  const clusters = Math.min(requested, nonEmpty);
  const centroids = new Float64Array((1 << rows.bits) * clusters);
  const assignment = new Int32Array(rows.count).fill(-1);
  if (clusters === 0) return { clusters, centroids: new Float32Array(0), assignment };
  seedCentroids(rows, clusters, centroids, random);
  for (let iteration = 0; iteration < iterations; iteration++) {
    if (!assign(rows, clusters, centroids, assignment) && iteration > 0) break;
    recompute(rows, clusters, centroids, assignment);
  }
  assign(rows, clusters, centroids, assignment);
  return { clusters, centroids: Float32Array.from(centroids), assignment };
}

function countNonEmpty(rows: RehashedRows): number {
  let count = 0;
  for (let q = 0; q < rows.count; q++) if (rows.offsets[q + 1]! > rows.offsets[q]!) count++;
  return count;
}

function similarities(
  rows: RehashedRows,
  q: number,
  clusters: number,
  centroids: Float64Array,
  out: Float64Array,
): void {
  out.fill(0);
  for (let e = rows.offsets[q]!; e < rows.offsets[q + 1]!; e++) {
    const value = rows.values[e]!;
    const row = rows.buckets[e]! * clusters;
    for (let j = 0; j < clusters; j++) out[j] = out[j]! + value * centroids[row + j]!;
  }
}

/** k-means++: each next seed is a row drawn with probability ∝ its cosine distance to the seeds. */
function seedCentroids(
  rows: RehashedRows,
  clusters: number,
  centroids: Float64Array,
  random: Random,
): void {
  const distance = new Float64Array(rows.count);
  for (let q = 0; q < rows.count; q++)
    distance[q] = rows.offsets[q + 1]! > rows.offsets[q]! ? 1 : 0;
  for (let j = 0; j < clusters; j++) {
    const seed = drawWeighted(distance, random);
    setCentroidFromRow(rows, seed, clusters, j, centroids);
    for (let q = 0; q < rows.count; q++) {
      if (distance[q] === 0) continue;
      let similarity = 0;
      for (let e = rows.offsets[q]!; e < rows.offsets[q + 1]!; e++) {
        similarity += rows.values[e]! * centroids[rows.buckets[e]! * clusters + j]!;
      }
      distance[q] = Math.min(distance[q]!, Math.max(0, 1 - similarity));
    }
    distance[seed] = 0;
  }
}

function drawWeighted(weights: Float64Array, random: Random): number {
  let total = 0;
  for (const weight of weights) total += weight;
  let target = random() * total;
  let last = 0;
  for (let q = 0; q < weights.length; q++) {
    if (weights[q]! <= 0) continue;
    last = q;
    target -= weights[q]!;
    if (target < 0) return q;
  }
  return last;
}

function setCentroidFromRow(
  rows: RehashedRows,
  q: number,
  clusters: number,
  j: number,
  centroids: Float64Array,
): void {
  for (let e = rows.offsets[q]!; e < rows.offsets[q + 1]!; e++) {
    const index = rows.buckets[e]! * clusters + j;
    centroids[index] = centroids[index]! + rows.values[e]!;
  }
  normalise(centroids, clusters, j);
}

/** Assigns every row to its most similar centroid; returns whether anything changed. */
function assign(
  rows: RehashedRows,
  clusters: number,
  centroids: Float64Array,
  assignment: Int32Array,
): boolean {
  const similarity = new Float64Array(clusters);
  let changed = false;
  for (let q = 0; q < rows.count; q++) {
    if (rows.offsets[q + 1]! === rows.offsets[q]!) continue;
    similarities(rows, q, clusters, centroids, similarity);
    let best = 0;
    for (let j = 1; j < clusters; j++) if (similarity[j]! > similarity[best]!) best = j;
    if (assignment[q] !== best) changed = true;
    assignment[q] = best;
  }
  return changed;
}

/** Centroid = normalised sum of its rows; a cluster left empty keeps its previous centroid. */
function recompute(
  rows: RehashedRows,
  clusters: number,
  centroids: Float64Array,
  assignment: Int32Array,
): void {
  const sums = new Float64Array(centroids.length);
  const sizes = new Int32Array(clusters);
  for (let q = 0; q < rows.count; q++) {
    const j = assignment[q]!;
    if (j < 0) continue;
    sizes[j] = sizes[j]! + 1;
    for (let e = rows.offsets[q]!; e < rows.offsets[q + 1]!; e++) {
      const index = rows.buckets[e]! * clusters + j;
      sums[index] = sums[index]! + rows.values[e]!;
    }
  }
  for (let j = 0; j < clusters; j++) {
    if (sizes[j] === 0) continue;
    for (let b = j; b < centroids.length; b += clusters) centroids[b] = sums[b]!;
    normalise(centroids, clusters, j);
  }
}

function normalise(centroids: Float64Array, clusters: number, j: number): void {
  let norm = 0;
  for (let b = j; b < centroids.length; b += clusters) norm += centroids[b]! * centroids[b]!;
  if (norm === 0) return;
  const scale = 1 / Math.sqrt(norm);
  for (let b = j; b < centroids.length; b += clusters) centroids[b] = centroids[b]! * scale;
}
