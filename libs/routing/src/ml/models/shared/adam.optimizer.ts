/** Adam hyper-parameters shared by the gradient-trained models. */
export interface AdamSettings {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Decoupled weight decay (AdamW), per step, relative to the learning rate. */
  readonly weightDecay: number;
}

export const DEFAULT_ADAM: Omit<AdamSettings, 'learningRate' | 'weightDecay'> = {
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
};

/**
 * Adam state for one parameter table of `rows × width` floats, with a gradient buffer the trainer
 * accumulates into. A sparse table is updated lazily: only rows a batch touched move (the usual
 * treatment of embedding tables), so a step costs the batch's nonzeros, not 2^bits rows.
 */
export class AdamTable {
  /** Gradient accumulator, same layout as `params`; zeroed by `step`. */
  readonly grad: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly touched: Int32Array;
  private readonly marked: Uint8Array;
  private touchedCount = 0;

  constructor(
    readonly params: Float32Array,
    readonly width: number,
    private readonly sparse: boolean,
    private readonly settings: AdamSettings,
  ) {
    this.grad = new Float32Array(params.length);
    this.m = new Float32Array(params.length);
    this.v = new Float32Array(params.length);
    const rows = params.length / width;
    this.touched = new Int32Array(sparse ? rows : 0);
    this.marked = new Uint8Array(sparse ? rows : 0);
  }

  /** Marks `row` as touched by this batch; returns its offset into `grad`. */
  touch(row: number): number {
    if (this.sparse && this.marked[row] === 0) {
      this.marked[row] = 1;
      this.touched[this.touchedCount++] = row;
    }
    return row * this.width;
  }

  /** One Adam step (`t` counts from 1) with the accumulated gradient times `scale`. */
  step(t: number, scale: number): void {
    const { learningRate, beta1, beta2 } = this.settings;
    const rate = (learningRate * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
    if (!this.sparse) {
      this.updateRange(0, this.params.length, rate, scale);
      return;
    }
    for (let i = 0; i < this.touchedCount; i++) {
      const row = this.touched[i]!;
      this.updateRange(row * this.width, (row + 1) * this.width, rate, scale);
      this.marked[row] = 0;
    }
    this.touchedCount = 0;
  }

  private updateRange(start: number, end: number, rate: number, scale: number): void {
    const { beta1, beta2, epsilon, weightDecay, learningRate } = this.settings;
    const { params, grad, m, v } = this;
    const decay = 1 - learningRate * weightDecay;
    for (let i = start; i < end; i++) {
      const g = grad[i]! * scale;
      m[i] = beta1 * m[i]! + (1 - beta1) * g;
      v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
      params[i] = params[i]! * decay - (rate * m[i]!) / (Math.sqrt(v[i]!) + epsilon);
      grad[i] = 0;
    }
  }
}
