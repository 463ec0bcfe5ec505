import type { PromptFeatures, ScoreMatrix } from '../../ml.types';

/** A prompt's features from `{ index: value }` (dense part empty unless given). */
export function features(terms: Record<number, number>, dense: number[] = []): PromptFeatures {
  const indices = Object.keys(terms)
    .map(Number)
    .sort((a, b) => a - b);
  return {
    sparse: {
      indices: Uint32Array.from(indices),
      values: Float32Array.from(indices, (index) => terms[index]!),
    },
    dense: Float32Array.from(dense),
  };
}

/** A score matrix over `candidates` with one row of scores per query. */
export function matrix(candidates: string[], rows: number[][]): ScoreMatrix {
  return {
    queries: rows.map((_, q) => `query ${q}`),
    candidates,
    scores: Float64Array.from(rows.flat()),
  };
}

/** An embedding-like prompt: dense values only, no sparse entry. */
export function embedded(...dense: number[]): PromptFeatures {
  return {
    sparse: { indices: new Uint32Array(0), values: new Float32Array(0) },
    dense: Float32Array.from(dense),
  };
}
