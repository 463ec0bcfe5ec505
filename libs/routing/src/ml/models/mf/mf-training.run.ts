import { AdamTable, DEFAULT_ADAM } from '../shared/adam.optimizer';
import { projectRow, type RehashedRows } from '../shared/feature-rehash';
import { MaskedScoreRun, type MaskedScoreSettings } from '../shared/masked-score.run';
import { type Random } from '../shared/seeded-random';
import { type MfWeights } from './mf.model';

/** Settings of one MF training run (a subset of the trainer's options). */
export interface MfRunSettings extends MaskedScoreSettings {
  readonly learningRate: number;
  readonly weightDecay: number;
}

/** Forward and backward passes of sigmoid(w · (v_m ⊙ P·x) + b_m). */
export class MfTrainingRun extends MaskedScoreRun {
  private readonly projection: AdamTable;
  private readonly denseProjection: AdamTable;
  private readonly projectionBias: AdamTable;
  private readonly embeddings: AdamTable;
  private readonly classifier: AdamTable;
  private readonly candidateBias: AdamTable;
  private readonly latent: Float64Array;
  private readonly latentGradient: Float64Array;

  constructor(
    private readonly rows: RehashedRows,
    scores: Float64Array,
    private readonly weights: MfWeights,
    split: { readonly train: Int32Array; readonly validation: Int32Array },
    settings: MfRunSettings,
    random: Random,
  ) {
    super(scores, weights.candidateBias.length, split, settings, random);
    const adam = { ...DEFAULT_ADAM, learningRate: settings.learningRate };
    const decayed = { ...adam, weightDecay: settings.weightDecay };
    const plain = { ...adam, weightDecay: 0 };
    const dim = weights.dim;
    this.projection = new AdamTable(weights.projection, dim, true, decayed);
    this.denseProjection = new AdamTable(weights.denseProjection, dim, false, decayed);
    this.projectionBias = new AdamTable(weights.projectionBias, dim, false, plain);
    this.embeddings = new AdamTable(weights.embeddings, dim, false, decayed);
    this.classifier = new AdamTable(weights.classifier, dim, false, plain);
    this.candidateBias = new AdamTable(weights.candidateBias, this.width, false, plain);
    this.useTables([
      this.projection,
      this.denseProjection,
      this.projectionBias,
      this.embeddings,
      this.classifier,
      this.candidateBias,
    ]);
    this.latent = new Float64Array(dim);
    this.latentGradient = new Float64Array(dim);
  }

  protected forward(q: number, logits: Float64Array): void {
    const w = this.weights;
    const dim = w.dim;
    const z = projectRow(
      this.rows,
      q,
      w.projection,
      w.denseProjection,
      w.projectionBias,
      this.latent,
    );
    for (let c = 0; c < this.width; c++) {
      let logit = w.candidateBias[c]!;
      for (let k = 0; k < dim; k++) logit += w.classifier[k]! * w.embeddings[c * dim + k]! * z[k]!;
      logits[c] = logit;
    }
  }

  protected backward(q: number, dLogit: Float64Array): void {
    const w = this.weights;
    const dim = w.dim;
    const z = this.latent;
    const dz = this.latentGradient.fill(0);
    const { embeddings, classifier, candidateBias } = this;
    for (let c = 0; c < this.width; c++) {
      const g = dLogit[c]!;
      if (g === 0) continue;
      candidateBias.grad[c] = candidateBias.grad[c]! + g;
      for (let k = 0; k < dim; k++) {
        const v = w.embeddings[c * dim + k]!;
        dz[k] = dz[k]! + g * w.classifier[k]! * v;
        classifier.grad[k] = classifier.grad[k]! + g * v * z[k]!;
        embeddings.grad[c * dim + k] = embeddings.grad[c * dim + k]! + g * w.classifier[k]! * z[k]!;
      }
    }
    this.backwardProjection(q, dz);
  }

  private backwardProjection(q: number, dz: Float64Array): void {
    const { rows } = this;
    const dim = this.weights.dim;
    const biasGrad = this.projectionBias.grad;
    for (let k = 0; k < dim; k++) biasGrad[k] = biasGrad[k]! + dz[k]!;
    const grad = this.projection.grad;
    for (let e = rows.offsets[q]!; e < rows.offsets[q + 1]!; e++) {
      const value = rows.values[e]!;
      const offset = this.projection.touch(rows.buckets[e]!);
      for (let k = 0; k < dim; k++) grad[offset + k] = grad[offset + k]! + value * dz[k]!;
    }
    const denseGrad = this.denseProjection.grad;
    const base = q * rows.denseSize;
    for (let i = 0; i < rows.denseSize; i++) {
      const value = rows.dense[base + i]!;
      for (let k = 0; k < dim; k++) {
        denseGrad[i * dim + k] = denseGrad[i * dim + k]! + value * dz[k]!;
      }
    }
  }
}
