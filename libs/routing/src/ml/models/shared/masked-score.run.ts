import { type AdamTable } from './adam.optimizer';
import { type EarlyStoppingRun } from './early-stopping';
import { type Random, shuffleInPlace } from './seeded-random';
import { lossGradient, type ScoreLoss, scoreLoss, sigmoid } from './training-input';

/** Settings every mini-batch run shares. */
export interface MaskedScoreSettings {
  readonly maxEpochs: number;
  readonly patience: number;
  readonly batchSize: number;
  readonly loss: ScoreLoss;
  /**
   * Horizon, in epochs, of the exponential moving average of the weights that is validated and
   * kept instead of the last weights (0: off). Averaging steadies a fit to noisy 0/1 scores.
   */
  readonly averageEpochs: number;
}

/**
 * Mini-batch Adam on a masked loss over the observed (query, candidate) scores, for models with
 * one sigmoid output per candidate. NaN scores add no gradient. Subclasses supply the forward
 * pass (logits) and backward pass (gradients into their `AdamTable`s).
 */
export abstract class MaskedScoreRun implements EarlyStoppingRun {
  readonly maxEpochs: number;
  readonly patience: number;
  private readonly best: Float32Array[] = [];
  private readonly logitGradient: Float64Array;
  private tables: readonly AdamTable[] = [];
  /** Moving averages of the weights, and the live weights while the averages are swapped in. */
  private averages: Float32Array[] = [];
  private live: Float32Array[] = [];
  private swapped = false;
  private readonly averageDecay: number;
  private step = 0;

  protected constructor(
    protected readonly scores: Float64Array,
    protected readonly width: number,
    private readonly split: { readonly train: Int32Array; readonly validation: Int32Array },
    private readonly base: MaskedScoreSettings,
    protected readonly random: Random,
  ) {
    this.maxEpochs = base.maxEpochs;
    this.patience = base.patience;
    this.logitGradient = new Float64Array(width);
    const stepsPerEpoch = Math.ceil(split.train.length / base.batchSize);
    this.averageDecay = base.averageEpochs > 0 ? 1 - 1 / (stepsPerEpoch * base.averageEpochs) : 0;
  }

  /** Output logits of query `q` into `out`; `training` enables dropout and caches for backward. */
  protected abstract forward(q: number, out: Float64Array, training: boolean): void;

  /** Adds the gradients of query `q` given d loss / d logit (after `forward(q, …, true)`). */
  protected abstract backward(q: number, dLogit: Float64Array): void;

  /** Registers the parameter tables Adam steps and early stopping snapshots. */
  protected useTables(tables: readonly AdamTable[]): void {
    this.tables = tables;
    this.best.length = 0;
    for (const table of tables) this.best.push(table.params.slice());
    if (this.averageDecay > 0) {
      this.averages = tables.map((table) => new Float32Array(table.params.length));
      this.live = tables.map((table) => table.params.slice());
    }
  }

  trainEpoch(): void {
    if (this.swapped) {
      this.tables.forEach((table, i) => table.params.set(this.live[i]!));
      this.swapped = false;
    }
    const order = shuffleInPlace(this.split.train.slice(), this.random);
    const { batchSize } = this.base;
    for (let start = 0; start < order.length; start += batchSize) {
      const end = Math.min(order.length, start + batchSize);
      for (let i = start; i < end; i++) this.accumulate(order[i]!);
      this.step++;
      for (const table of this.tables) table.step(this.step, 1 / (end - start));
      this.updateAverages();
    }
  }

  private updateAverages(): void {
    const decay = this.averageDecay;
    if (decay <= 0) return;
    this.tables.forEach((table, t) => {
      const average = this.averages[t]!;
      const params = table.params;
      for (let i = 0; i < params.length; i++) {
        average[i] = decay * average[i]! + (1 - decay) * params[i]!;
      }
    });
  }

  /**
   * Puts the averaged weights in place (what is validated and, in the end, kept). The average
   * starts at zero, so it is divided by 1 − decay^steps, as Adam debiases its moments.
   */
  private swapInAverages(): void {
    if (this.averageDecay <= 0 || this.swapped || this.step === 0) return;
    const debias = 1 / (1 - this.averageDecay ** this.step);
    this.tables.forEach((table, t) => {
      this.live[t]!.set(table.params);
      const average = this.averages[t]!;
      const params = table.params;
      for (let i = 0; i < params.length; i++) params[i] = average[i]! * debias;
    });
    this.swapped = true;
  }

  validationLoss(): number {
    this.swapInAverages();
    const { validation } = this.split;
    if (validation.length === 0) return NaN;
    const logits = new Float64Array(this.width);
    let total = 0;
    let cells = 0;
    for (const q of validation) {
      this.forward(q, logits, false);
      for (let c = 0; c < this.width; c++) {
        const target = this.scores[q * this.width + c]!;
        if (Number.isNaN(target)) continue;
        total += scoreLoss(this.base.loss, sigmoid(logits[c]!), target);
        cells++;
      }
    }
    return cells === 0 ? NaN : total / cells;
  }

  saveBest(): void {
    this.tables.forEach((table, i) => this.best[i]!.set(table.params));
  }

  restoreBest(): void {
    this.tables.forEach((table, i) => table.params.set(this.best[i]!));
  }

  private accumulate(q: number): void {
    const dLogit = this.logitGradient;
    this.forward(q, dLogit, true);
    let observed = 0;
    for (let c = 0; c < this.width; c++) {
      const target = this.scores[q * this.width + c]!;
      const isKnown = !Number.isNaN(target);
      dLogit[c] = isKnown ? lossGradient(this.base.loss, sigmoid(dLogit[c]!), target) : 0;
      if (isKnown) observed++;
    }
    if (observed > 0) this.backward(q, dLogit);
  }
}
