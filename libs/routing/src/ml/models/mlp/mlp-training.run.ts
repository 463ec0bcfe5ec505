import { AdamTable, DEFAULT_ADAM } from '../shared/adam.optimizer';
import { projectRow, type RehashedRows } from '../shared/feature-rehash';
import { MaskedScoreRun, type MaskedScoreSettings } from '../shared/masked-score.run';
import { type Random } from '../shared/seeded-random';
import { type MlpWeights } from './mlp.model';

/** Settings of one MLP training run (a subset of the trainer's options). */
export interface MlpRunSettings extends MaskedScoreSettings {
  readonly learningRate: number;
  readonly weightDecay: number;
  /** Inverted dropout rate on the hidden layer while training. */
  readonly dropout: number;
}

/** Forward and backward passes of the one-hidden-layer MLP. */
export class MlpTrainingRun extends MaskedScoreRun {
  private readonly input: AdamTable;
  private readonly dense: AdamTable;
  private readonly hiddenBias: AdamTable;
  private readonly output: AdamTable;
  private readonly outputBias: AdamTable;
  private readonly hidden: Float64Array;
  private readonly hiddenGradient: Float64Array;
  /** Per hidden unit: 0 when inactive or dropped, else the inverted-dropout scale. */
  private readonly gain: Float64Array;

  constructor(
    private readonly rows: RehashedRows,
    scores: Float64Array,
    private readonly weights: MlpWeights,
    split: { readonly train: Int32Array; readonly validation: Int32Array },
    private readonly settings: MlpRunSettings,
    random: Random,
  ) {
    super(scores, weights.outputBias.length, split, settings, random);
    const adam = { ...DEFAULT_ADAM, learningRate: settings.learningRate };
    const decayed = { ...adam, weightDecay: settings.weightDecay };
    const plain = { ...adam, weightDecay: 0 };
    this.input = new AdamTable(weights.inputWeights, weights.hidden, true, decayed);
    this.dense = new AdamTable(weights.denseWeights, weights.hidden, false, decayed);
    this.hiddenBias = new AdamTable(weights.hiddenBias, weights.hidden, false, plain);
    this.output = new AdamTable(weights.outputWeights, this.width, false, decayed);
    this.outputBias = new AdamTable(weights.outputBias, this.width, false, plain);
    this.useTables([this.input, this.dense, this.hiddenBias, this.output, this.outputBias]);
    this.hidden = new Float64Array(weights.hidden);
    this.hiddenGradient = new Float64Array(weights.hidden);
    this.gain = new Float64Array(weights.hidden);
  }

  protected forward(q: number, logits: Float64Array, training: boolean): void {
    const w = this.weights;
    projectRow(this.rows, q, w.inputWeights, w.denseWeights, w.hiddenBias, this.hidden);
    const dropout = training ? this.settings.dropout : 0;
    const keep = 1 / (1 - dropout);
    const width = this.width;
    for (let c = 0; c < width; c++) logits[c] = w.outputBias[c]!;
    for (let k = 0; k < w.hidden; k++) {
      const dropped = dropout > 0 && this.random() < dropout;
      const gain = this.hidden[k]! <= 0 || dropped ? 0 : keep;
      this.gain[k] = gain;
      const activation = this.hidden[k]! * gain;
      this.hidden[k] = activation;
      if (activation === 0) continue;
      const row = k * width;
      for (let c = 0; c < width; c++) {
        logits[c] = logits[c]! + activation * w.outputWeights[row + c]!;
      }
    }
  }

  protected backward(q: number, dLogit: Float64Array): void {
    this.backwardOutput(dLogit);
    this.backwardInput(q);
  }

  private backwardOutput(dLogit: Float64Array): void {
    const w = this.weights;
    const width = this.width;
    const outputGrad = this.output.grad;
    const biasGrad = this.outputBias.grad;
    for (let c = 0; c < width; c++) biasGrad[c] = biasGrad[c]! + dLogit[c]!;
    for (let k = 0; k < w.hidden; k++) {
      const activation = this.hidden[k]!;
      let back = 0;
      if (activation > 0) {
        const row = k * width;
        for (let c = 0; c < width; c++) {
          outputGrad[row + c] = outputGrad[row + c]! + activation * dLogit[c]!;
          back += w.outputWeights[row + c]! * dLogit[c]!;
        }
      }
      back *= this.gain[k]!;
      this.hiddenGradient[k] = back;
      this.hiddenBias.grad[k] = this.hiddenBias.grad[k]! + back;
    }
  }

  private backwardInput(q: number): void {
    const { rows } = this;
    const hidden = this.weights.hidden;
    const dHidden = this.hiddenGradient;
    const inputGrad = this.input.grad;
    for (let e = rows.offsets[q]!; e < rows.offsets[q + 1]!; e++) {
      const value = rows.values[e]!;
      const offset = this.input.touch(rows.buckets[e]!);
      for (let k = 0; k < hidden; k++) {
        inputGrad[offset + k] = inputGrad[offset + k]! + value * dHidden[k]!;
      }
    }
    const denseGrad = this.dense.grad;
    const base = q * rows.denseSize;
    for (let i = 0; i < rows.denseSize; i++) {
      const value = rows.dense[base + i]!;
      for (let k = 0; k < hidden; k++) {
        denseGrad[i * hidden + k] = denseGrad[i * hidden + k]! + value * dHidden[k]!;
      }
    }
  }
}
