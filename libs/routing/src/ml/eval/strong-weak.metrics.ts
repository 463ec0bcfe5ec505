import type { ScoreMatrix } from '../ml.types';

/** One threshold of a strong/weak sweep. */
export interface SweepPoint {
  readonly threshold: number;
  /** Share of queries sent to the strong model, 0..1. */
  readonly strongShare: number;
  /** Mean score of the routed answers. */
  readonly quality: number;
  /** (quality − weak) / (strong − weak): share of the strong model's gain recovered. */
  readonly pgr: number;
}

/** RouteLLM's strong/weak evaluation of one router. */
export interface StrongWeakReport {
  readonly strong: string;
  readonly weak: string;
  readonly strongQuality: number;
  readonly weakQuality: number;
  /** Sorted by strongShare. */
  readonly points: readonly SweepPoint[];
  /** Average performance gap recovered: area under PGR vs strong share. */
  readonly apgr: number;
  /** Share of strong calls needed to recover 50% / 80% of the gap (CPT); undefined if never. */
  readonly cpt50?: number;
  readonly cpt80?: number;
}

/** Linear-interpolated quantile (numpy's default, which `pandas.qcut` uses) of sorted values. */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const position = (sorted.length - 1) * p;
  const low = Math.floor(position);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

/** Mean score of routing query q to strong iff `strong(q)`; unknown scores count as 0. */
function routedQuality(
  strongScores: Float64Array,
  weakScores: Float64Array,
  strong: (q: number) => boolean,
): number {
  let sum = 0;
  for (let q = 0; q < strongScores.length; q++) {
    const score = strong(q) ? strongScores[q]! : weakScores[q]!;
    if (!Number.isNaN(score)) sum += score;
  }
  return sum / strongScores.length;
}

/**
 * RouteLLM's sweep (routellm/evals/benchmarks.py): thresholds at the `bins`+1 quantile edges of
 * the router's strong-win scores; at each edge the strong model takes the queries scoring ≥ it
 * (> it at the last edge, so the sweep ends at 0% strong).
 */
export function thresholdSweep(
  winScores: Float64Array,
  strongScores: Float64Array,
  weakScores: Float64Array,
  bins = 10,
): SweepPoint[] {
  const sorted = Float64Array.from(winScores).sort();
  const strongQuality = routedQuality(strongScores, weakScores, () => true);
  const weakQuality = routedQuality(strongScores, weakScores, () => false);
  const points: SweepPoint[] = [];
  for (let i = 0; i <= bins; i++) {
    const threshold = quantileSorted(sorted, i / bins);
    const last = i === bins;
    const isStrong = (q: number): boolean =>
      last ? winScores[q]! > threshold : winScores[q]! >= threshold;
    let strongCount = 0;
    for (let q = 0; q < winScores.length; q++) if (isStrong(q)) strongCount++;
    const quality = routedQuality(strongScores, weakScores, isStrong);
    const gap = strongQuality - weakQuality;
    points.push({
      threshold,
      strongShare: strongCount / winScores.length,
      quality,
      pgr: gap === 0 ? NaN : (quality - weakQuality) / gap,
    });
  }
  return points.sort((a, b) => a.strongShare - b.strongShare);
}

/**
 * APGR as RouteLLM computes it: (AUC − weak AUC) / (strong AUC − weak AUC), trapezoids over the
 * points' strong shares, where the weak and strong AUCs are their constant qualities over the
 * same span.
 */
export function apgr(
  points: readonly SweepPoint[],
  weakQuality: number,
  strongQuality: number,
): number {
  let auc = 0;
  for (let i = 1; i < points.length; i++) {
    const width = points[i]!.strongShare - points[i - 1]!.strongShare;
    auc += (width * (points[i]!.quality + points[i - 1]!.quality)) / 2;
  }
  const span =
    points.length > 0 ? points[points.length - 1]!.strongShare - points[0]!.strongShare : 0;
  return (auc - weakQuality * span) / ((strongQuality - weakQuality) * span);
}

/**
 * Call-performance threshold: the strong share at which the sweep first reaches
 * weak + fraction × (strong − weak), interpolating linearly between points (RouteLLM uses
 * `np.interp`, which is the same when quality rises with the share). Undefined if never reached.
 */
export function callPerformanceThreshold(
  points: readonly SweepPoint[],
  fraction: number,
  weakQuality: number,
  strongQuality: number,
): number | undefined {
  const target = weakQuality + fraction * (strongQuality - weakQuality);
  for (let i = 0; i < points.length; i++) {
    const point = points[i]!;
    if (point.quality < target) continue;
    const previous = points[i - 1];
    if (!previous || point.quality === previous.quality) return point.strongShare;
    const t = (target - previous.quality) / (point.quality - previous.quality);
    return previous.strongShare + t * (point.strongShare - previous.strongShare);
  }
  return undefined;
}

function column(matrix: ScoreMatrix, source: Float64Array, c: number): Float64Array {
  const m = matrix.candidates.length;
  return Float64Array.from({ length: matrix.queries.length }, (_, q) => source[q * m + c]!);
}

/**
 * The strong/weak report of a router whose predictions are `predicted` (out-of-fold): its
 * strong-win score is q̂[strong] − q̂[weak], the quantity `llmrouter-threshold` compares.
 */
export function strongWeakReport(
  matrix: ScoreMatrix,
  predicted: Float64Array,
  strong: number,
  weak: number,
  bins = 10,
): StrongWeakReport {
  const strongScores = column(matrix, matrix.scores, strong);
  const weakScores = column(matrix, matrix.scores, weak);
  const predictedStrong = column(matrix, predicted, strong);
  const predictedWeak = column(matrix, predicted, weak);
  const wins = predictedStrong.map((value, q) => value - predictedWeak[q]!);
  const points = thresholdSweep(wins, strongScores, weakScores, bins);
  const strongQuality = routedQuality(strongScores, weakScores, () => true);
  const weakQuality = routedQuality(strongScores, weakScores, () => false);
  const cpt50 = callPerformanceThreshold(points, 0.5, weakQuality, strongQuality);
  const cpt80 = callPerformanceThreshold(points, 0.8, weakQuality, strongQuality);
  return {
    strong: matrix.candidates[strong]!,
    weak: matrix.candidates[weak]!,
    strongQuality,
    weakQuality,
    points,
    apgr: apgr(points, weakQuality, strongQuality),
    ...(cpt50 !== undefined && { cpt50 }),
    ...(cpt80 !== undefined && { cpt80 }),
  };
}
