import { type RehashedRows } from '../shared/feature-rehash';
import { type Random, shuffleInPlace } from '../shared/seeded-random';
import { type SvmWeights } from './svm.model';

/** What the solver needs of `SvmTrainerOptions`. */
export interface SvmDualCdSettings {
  /** Penalty weight C of each observed (query, candidate) loss. */
  readonly c: number;
  readonly epsilon: number;
  /** True: classic L1 ε-insensitive loss (box-constrained dual); false: squared. */
  readonly l1Loss: boolean;
}

/**
 * Dual coordinate descent for linear ε-insensitive support-vector regression with L2
 * regularisation, one regressor per candidate (Ho & Lin, "Large-scale linear support vector
 * regression", JMLR 2012: LIBLINEAR's SVR solvers). Each visit solves one query's dual variables
 * exactly given the others, so the objective falls monotonically: no learning rate to tune, no
 * divergence, and a few passes reach the regularised optimum that SGD only approaches. The
 * candidates share the query's features, so one visit reads and writes each nonzero once for
 * all of them. Targets are centred on the candidate means and a constant feature stands in for
 * the bias, as LIBLINEAR does.
 */
export class SvmDualCd {
  private readonly width: number;
  private readonly sparse: Float64Array;
  private readonly dense: Float64Array;
  private readonly bias: Float64Array;
  /** Dual variable of each (query, candidate); w = Σ β·x. */
  private readonly beta: Float64Array;
  private readonly targets: Float64Array;
  /** Per query, ‖x‖² plus the dual's diagonal term: the exact curvature of a coordinate step. */
  private readonly curvature: Float64Array;
  private readonly predicted: Float64Array;
  private readonly change: Float64Array;

  constructor(
    private readonly rows: RehashedRows,
    scores: Float64Array,
    private readonly means: Float64Array,
    private readonly settings: SvmDualCdSettings,
    private readonly random: Random,
  ) {
    const width = means.length;
    this.width = width;
    this.sparse = new Float64Array((1 << rows.bits) * width);
    this.dense = new Float64Array(rows.denseSize * width);
    this.bias = new Float64Array(width);
    this.beta = new Float64Array(rows.count * width);
    this.targets = scores.map((score, i) => score - means[i % width]!);
    this.predicted = new Float64Array(width);
    this.change = new Float64Array(width);
    // L2 loss adds 1/(2C) to the dual's diagonal; L1 loss bounds |β| by C instead.
    const diagonal = settings.l1Loss ? 0 : 1 / (2 * settings.c);
    this.curvature = new Float64Array(rows.count);
    for (let q = 0; q < rows.count; q++) {
      let norm = 1; // the constant bias feature
      for (let e = rows.offsets[q]!; e < rows.offsets[q + 1]!; e++) norm += rows.values[e]! ** 2;
      for (let i = 0; i < rows.denseSize; i++) norm += rows.dense[q * rows.denseSize + i]! ** 2;
      this.curvature[q] = norm + diagonal;
    }
  }

  /** One pass over the queries in a fresh random order. */
  epoch(): void {
    const order = shuffleInPlace(
      Int32Array.from({ length: this.rows.count }, (_, i) => i),
      this.random,
    );
    for (const q of order) this.visit(q);
  }

  /**
   * Writes the weights into the model's tables. A query with a non-finite feature has a NaN
   * curvature, so its steps are never taken and the weights stay finite.
   */
  finish(weights: SvmWeights): void {
    weights.sparseWeights.set(this.sparse);
    weights.denseWeights.set(this.dense);
    for (let c = 0; c < this.width; c++) weights.bias[c] = this.means[c]! + this.bias[c]!;
  }

  private visit(q: number): void {
    this.predict(q);
    if (this.solve(q)) this.update(q);
  }

  /** `predicted[c] = w_c · x_q` (centred). */
  private predict(q: number): void {
    const { rows, width, predicted, sparse, dense } = this;
    for (let c = 0; c < width; c++) predicted[c] = this.bias[c]!;
    for (let e = rows.offsets[q]!; e < rows.offsets[q + 1]!; e++) {
      const value = rows.values[e]!;
      const row = rows.buckets[e]! * width;
      for (let c = 0; c < width; c++) predicted[c] = predicted[c]! + value * sparse[row + c]!;
    }
    const base = q * rows.denseSize;
    for (let i = 0; i < rows.denseSize; i++) {
      const value = rows.dense[base + i]!;
      const row = i * width;
      for (let c = 0; c < width; c++) predicted[c] = predicted[c]! + value * dense[row + c]!;
    }
  }

  /**
   * Minimises the dual over each candidate's β of query q in closed form (a soft-threshold of
   * the Newton step: the ε term is |β|); `change` gets the steps. False when none moved.
   */
  private solve(q: number): boolean {
    const { width, change, beta } = this;
    const { c: bound, epsilon, l1Loss } = this.settings;
    const curvature = this.curvature[q]!;
    const diagonal = l1Loss ? 0 : 1 / (2 * bound);
    let moved = false;
    for (let c = 0; c < width; c++) {
      const k = q * width + c;
      const target = this.targets[k]!;
      change[c] = 0;
      if (Number.isNaN(target)) continue;
      const current = beta[k]!;
      const gradient = this.predicted[c]! - target + diagonal * current;
      let next = current;
      if (gradient + epsilon < curvature * current) next -= (gradient + epsilon) / curvature;
      else if (gradient - epsilon > curvature * current) next -= (gradient - epsilon) / curvature;
      else next = 0;
      if (l1Loss) next = Math.min(bound, Math.max(-bound, next));
      if (next === current) continue;
      beta[k] = next;
      change[c] = next - current;
      moved = true;
    }
    return moved;
  }

  /** w += Δβ · x_q for every candidate at once. */
  private update(q: number): void {
    const { rows, width, change, sparse, dense } = this;
    for (let e = rows.offsets[q]!; e < rows.offsets[q + 1]!; e++) {
      const value = rows.values[e]!;
      const row = rows.buckets[e]! * width;
      for (let c = 0; c < width; c++) sparse[row + c] = sparse[row + c]! + value * change[c]!;
    }
    const base = q * rows.denseSize;
    for (let i = 0; i < rows.denseSize; i++) {
      const value = rows.dense[base + i]!;
      const row = i * width;
      for (let c = 0; c < width; c++) dense[row + c] = dense[row + c]! + value * change[c]!;
    }
    for (let c = 0; c < width; c++) this.bias[c] = this.bias[c]! + change[c]!;
  }
}
