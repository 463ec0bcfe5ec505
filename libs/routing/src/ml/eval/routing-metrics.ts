import type { CandidateFacts, DecisionRule, ScoreMatrix } from '../ml.types';
import { candidateMeans } from './score-matrix.subset';

/** Quality and cost of one routing policy over a data set, against the oracle and the best single model. */
export interface RoutingMetrics {
  readonly queries: number;
  /** Mean score of the chosen candidates (an unknown score counts as 0). */
  readonly meanQuality: number;
  /** Mean of each query's best score: what a perfect router would reach. */
  readonly oracleQuality: number;
  /** The candidate with the highest mean score, sent every query. */
  readonly bestSingle: {
    readonly candidate: string;
    readonly quality: number;
    readonly cost?: number;
  };
  /** meanQuality / oracleQuality. */
  readonly fractionOfOracle: number;
  /** meanQuality / bestSingle.quality. */
  readonly fractionOfBestSingle: number;
  /** Total USD of the chosen calls; absent when a cost is unknown. */
  readonly cost?: number;
  /** cost / bestSingle.cost. */
  readonly costVsBestSingle?: number;
  /** Share of queries sent to each candidate. */
  readonly shares: Readonly<Record<string, number>>;
}

function totalCost(matrix: ScoreMatrix, choose: (q: number) => number): number | undefined {
  if (!matrix.costs) return undefined;
  const m = matrix.candidates.length;
  let sum = 0;
  for (let q = 0; q < matrix.queries.length; q++) {
    const c = choose(q);
    const cost = c < 0 ? NaN : matrix.costs[q * m + c]!;
    if (Number.isNaN(cost)) return undefined;
    sum += cost;
  }
  return sum;
}

/** Mean over queries of the best known score: what a perfect router would reach. */
export function oracleQuality(matrix: ScoreMatrix): number {
  const m = matrix.candidates.length;
  let sum = 0;
  for (let q = 0; q < matrix.queries.length; q++) {
    let best = 0;
    for (let c = 0; c < m; c++) {
      const score = matrix.scores[q * m + c]!;
      if (score > best) best = score;
    }
    sum += best;
  }
  return sum / matrix.queries.length;
}

/** Metrics of `choices` (a candidate index per query; -1 = none, scored 0). */
export function routingMetrics(matrix: ScoreMatrix, choices: Int32Array): RoutingMetrics {
  const m = matrix.candidates.length;
  const n = matrix.queries.length;
  let quality = 0;
  const counts = new Float64Array(m);
  for (let q = 0; q < n; q++) {
    const c = choices[q]!;
    const score = c >= 0 ? matrix.scores[q * m + c]! : NaN;
    if (!Number.isNaN(score)) quality += score;
    if (c >= 0) counts[c]!++;
  }
  const oracle = oracleQuality(matrix);
  const means = candidateMeans(matrix);
  let top = 0;
  for (let c = 1; c < m; c++) if (means[c]! > means[top]!) top = c;
  const topCost = totalCost(matrix, () => top);
  const cost = totalCost(matrix, (q) => choices[q]!);
  const meanQuality = quality / n;
  return {
    queries: n,
    meanQuality,
    oracleQuality: oracle,
    bestSingle: {
      candidate: matrix.candidates[top]!,
      quality: means[top]!,
      ...(topCost !== undefined && { cost: topCost }),
    },
    fractionOfOracle: meanQuality / oracle,
    fractionOfBestSingle: meanQuality / means[top]!,
    ...(cost !== undefined && { cost }),
    ...(cost !== undefined &&
      topCost !== undefined &&
      topCost > 0 && { costVsBestSingle: cost / topCost }),
    shares: Object.fromEntries(matrix.candidates.map((name, c) => [name, counts[c]! / n])),
  };
}

/**
 * Applies a decision rule to every query's predictions. A candidate is available for a query only
 * when its score there is known: a choice that cannot be scored would be a guess.
 */
export function decideAll(
  matrix: ScoreMatrix,
  predicted: Float64Array,
  rule: DecisionRule,
  facts: readonly CandidateFacts[],
  args: Readonly<Record<string, unknown>> = {},
): Int32Array {
  const m = matrix.candidates.length;
  const choices = new Int32Array(matrix.queries.length);
  const available = new Array<boolean>(m);
  for (let q = 0; q < matrix.queries.length; q++) {
    for (let c = 0; c < m; c++) available[c] = !Number.isNaN(matrix.scores[q * m + c]!);
    choices[q] = rule(predicted.subarray(q * m, q * m + m), facts, available, args).index;
  }
  return choices;
}
