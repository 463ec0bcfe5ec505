import type { ScoreMatrix } from '../ml.types';

/** The rows `indices` of a matrix (in that order), with their costs and groups. */
export function subsetMatrix(matrix: ScoreMatrix, indices: readonly number[]): ScoreMatrix {
  const m = matrix.candidates.length;
  const pick = (source: Float64Array): Float64Array => {
    const out = new Float64Array(indices.length * m);
    indices.forEach((q, row) => out.set(source.subarray(q * m, q * m + m), row * m));
    return out;
  };
  return {
    queries: indices.map((q) => matrix.queries[q]!),
    candidates: matrix.candidates,
    scores: pick(matrix.scores),
    ...(matrix.costs && { costs: pick(matrix.costs) }),
    ...(matrix.groups && { groups: indices.map((q) => matrix.groups![q]!) }),
  };
}

/** Mean of each candidate's score over all queries; an unknown score counts as 0. */
export function candidateMeans(matrix: ScoreMatrix): Float64Array {
  const m = matrix.candidates.length;
  const n = matrix.queries.length;
  const means = new Float64Array(m);
  for (let q = 0; q < n; q++) {
    for (let c = 0; c < m; c++) {
      const score = matrix.scores[q * m + c]!;
      if (!Number.isNaN(score)) means[c]! += score;
    }
  }
  return means.map((sum) => sum / n);
}
