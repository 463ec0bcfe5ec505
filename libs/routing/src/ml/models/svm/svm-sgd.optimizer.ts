import { type RehashedRows } from '../shared/feature-rehash';
import { type Random, shuffleInPlace } from '../shared/seeded-random';
import { type SvmWeights } from './svm.model';
import { type SvmTrainerOptions } from './svm.trainer';

/**
 * SGD for per-candidate linear ε-insensitive regression with L2 regularisation. The weights are
 * kept as `scale · v` (the Pegasos/Bottou trick) so the regulariser's shrink of every weight is
 * one multiplication per step, and a step costs only the query's nonzeros. Iterates of the last
 * epochs can be averaged, which steadies the result much as averaged SGD does.
 */
export class SvmSgd {
  private readonly width: number;
  private readonly sparse: Float64Array;
  private readonly dense: Float64Array;
  private readonly bias: Float64Array;
  private readonly pull: Float64Array;
  private readonly sums: Float64Array[];
  /** Per query, 1 / max(1, ‖x‖²): keeps a step stable for prompts with outlying dense features. */
  private readonly stepLimit: Float64Array;
  private averaged = 0;
  private scale = 1;
  private step = 0;

  constructor(
    private readonly rows: RehashedRows,
    private readonly scores: Float64Array,
    private readonly weights: SvmWeights,
    private readonly settings: SvmTrainerOptions,
    private readonly random: Random,
  ) {
    this.width = weights.bias.length;
    this.sparse = Float64Array.from(weights.sparseWeights);
    this.dense = Float64Array.from(weights.denseWeights);
    this.bias = Float64Array.from(weights.bias);
    this.pull = new Float64Array(this.width);
    this.sums = [this.sparse, this.dense, this.bias].map((table) => new Float64Array(table.length));
    this.stepLimit = new Float64Array(rows.count);
    for (let q = 0; q < rows.count; q++) {
      let norm = 0;
      for (let e = rows.offsets[q]!; e < rows.offsets[q + 1]!; e++) norm += rows.values[e]! ** 2;
      for (let i = 0; i < rows.denseSize; i++) norm += rows.dense[q * rows.denseSize + i]! ** 2;
      this.stepLimit[q] = 1 / Math.max(1, norm);
    }
  }

  /** One pass over the queries in a fresh random order. */
  epoch(average: boolean): void {
    const order = shuffleInPlace(
      Int32Array.from({ length: this.rows.count }, (_, i) => i),
      this.random,
    );
    for (const q of order) this.visit(q);
    if (average) this.accumulateAverage();
  }

  /**
   * Writes the final (averaged, when any epoch was) weights into the model's tables.
   * @throws RangeError when training diverged (a weight is not finite).
   */
  finish(): void {
    const tables = [this.sparse, this.dense, this.bias];
    const targets = [this.weights.sparseWeights, this.weights.denseWeights, this.weights.bias];
    tables.forEach((table, t) => {
      const target = targets[t]!;
      const sum = this.sums[t]!;
      const isBias = t === 2;
      for (let i = 0; i < table.length; i++) {
        const current = isBias ? table[i]! : table[i]! * this.scale;
        target[i] = this.averaged > 0 ? sum[i]! / this.averaged : current;
        if (!Number.isFinite(target[i]!)) {
          throw new RangeError('svm training diverged: lower learningRate');
        }
      }
    });
  }

  private visit(q: number): void {
    const { lambda, learningRate } = this.settings;
    const rate = learningRate / (1 + lambda * learningRate * this.step++);
    const moves = this.computePull(q);
    this.shrink(rate * lambda);
    if (!moves) return;
    const { rows, width, pull } = this;
    const gain = (rate * this.stepLimit[q]!) / this.scale;
    for (let e = rows.offsets[q]!; e < rows.offsets[q + 1]!; e++) {
      const value = rows.values[e]! * gain;
      const row = rows.buckets[e]! * width;
      for (let c = 0; c < width; c++)
        this.sparse[row + c] = this.sparse[row + c]! + value * pull[c]!;
    }
    const base = q * rows.denseSize;
    for (let i = 0; i < rows.denseSize; i++) {
      const value = rows.dense[base + i]! * gain;
      for (let c = 0; c < width; c++)
        this.dense[i * width + c] = this.dense[i * width + c]! + value * pull[c]!;
    }
    const biasRate = rate * this.stepLimit[q]!;
    for (let c = 0; c < width; c++) this.bias[c] = this.bias[c]! + biasRate * pull[c]!;
  }

  /** Per candidate, the residual beyond the tube (0 inside it or unknown); false if all 0. */
  private computePull(q: number): boolean {
    const { rows, width, pull, scale } = this;
    pull.fill(0);
    for (let e = rows.offsets[q]!; e < rows.offsets[q + 1]!; e++) {
      const value = rows.values[e]!;
      const row = rows.buckets[e]! * width;
      for (let c = 0; c < width; c++) pull[c] = pull[c]! + value * this.sparse[row + c]!;
    }
    const base = q * rows.denseSize;
    for (let i = 0; i < rows.denseSize; i++) {
      const value = rows.dense[base + i]!;
      for (let c = 0; c < width; c++) pull[c] = pull[c]! + value * this.dense[i * width + c]!;
    }
    const { epsilon, loss } = this.settings;
    let any = false;
    for (let c = 0; c < width; c++) {
      const target = this.scores[q * width + c]!;
      const residual = Number.isNaN(target) ? 0 : target - (scale * pull[c]! + this.bias[c]!);
      const outside = Math.abs(residual) - epsilon;
      if (outside <= 0) {
        pull[c] = 0;
        continue;
      }
      pull[c] =
        loss === 'epsilon_insensitive' ? Math.sign(residual) : Math.sign(residual) * outside;
      any = true;
    }
    return any;
  }

  private shrink(amount: number): void {
    this.scale *= Math.max(1e-3, 1 - amount);
    if (this.scale > 1e-6) return;
    // Fold the scale back into the weights before it underflows.
    for (let i = 0; i < this.sparse.length; i++) this.sparse[i] = this.sparse[i]! * this.scale;
    for (let i = 0; i < this.dense.length; i++) this.dense[i] = this.dense[i]! * this.scale;
    this.scale = 1;
  }

  private accumulateAverage(): void {
    const tables = [this.sparse, this.dense, this.bias];
    tables.forEach((table, t) => {
      const sum = this.sums[t]!;
      const factor = t === 2 ? 1 : this.scale;
      for (let i = 0; i < table.length; i++) sum[i] = sum[i]! + table[i]! * factor;
    });
    this.averaged++;
  }
}
