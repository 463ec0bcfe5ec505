import { type ScoreMatrix } from '../../ml.types';
import { rehashBucket } from '../shared/feature-rehash';
import {
  featuresOf,
  routingAccuracy,
  syntheticRouting,
} from '../shared/__fixtures__/synthetic-routing.fixture';
import { SvmModel } from './svm.model';
import { SVM_DEFAULTS, SvmTrainer } from './svm.trainer';

describe(SvmTrainer.name, () => {
  const trainer = new SvmTrainer();
  const data = syntheticRouting(400, 8);
  const test = syntheticRouting(100, 9);

  it('trains with the classic L1 ε-insensitive loss and with a weaker regulariser too', () => {
    for (const options of [{ loss: 'epsilon_insensitive' as const }, { c: 1 }]) {
      const model = trainer.train(data.features, data.matrix, { hashBits: 10, ...options });
      expect(routingAccuracy((f) => model.predict(f), test)).toBeGreaterThanOrEqual(0.9);
    }
  });

  describe('reaches the regularised optimum', () => {
    // Two prompt kinds, one feature each: kind A always scores 1, kind B always 0. With
    // ε = 0 the objective ½‖w‖² + C·Σ residual² is minimised, by symmetry, at a
    // prediction of 0.5 ± C·m / (1 + 2·C·m) for m prompts of each kind.
    const [a, b] = [3, 5];
    const m = 10;
    const features = [
      ...Array.from({ length: m }, () => featuresOf([a])),
      ...Array.from({ length: m }, () => featuresOf([b])),
    ];
    const matrix: ScoreMatrix = {
      queries: features.map((_, q) => `query ${q}`),
      candidates: ['only'],
      scores: Float64Array.from(features, (_, q) => (q < m ? 1 : 0)),
    };

    it('uses two buckets for the two kinds', () => {
      expect(rehashBucket(a, 10)).not.toBe(rehashBucket(b, 10));
    });

    it.each([0.01, 0.05, 0.5])('for C = %p', (c) => {
      const model = trainer.train(features, matrix, { hashBits: 10, epsilon: 0, c, epochs: 200 });
      const gap = (c * m) / (1 + 2 * c * m);
      expect(model.predict(featuresOf([a]))[0]).toBeCloseTo(0.5 + gap, 5);
      expect(model.predict(featuresOf([b]))[0]).toBeCloseTo(0.5 - gap, 5);
    });

    it('leaves the candidate means when every score is inside the tube', () => {
      const model = trainer.train(features, matrix, { hashBits: 10, epsilon: 0.5 });
      expect(model.predict(featuresOf([a]))[0]).toBeCloseTo(0.5, 10);
      expect(model.predict(featuresOf([b]))[0]).toBeCloseTo(0.5, 10);
    });
  });

  it('is deterministic for a seed', () => {
    const once = trainer.train(data.features, data.matrix, { hashBits: 10, seed: 4 });
    const again = trainer.train(data.features, data.matrix, { hashBits: 10, seed: 4 });
    expect(again.toJSON()).toEqual(once.toJSON());
  });

  it('reports one step per epoch', () => {
    const progress: number[] = [];
    trainer.train(data.features, data.matrix, { hashBits: 10, epochs: 3 }, (done) =>
      progress.push(done),
    );
    expect(progress).toEqual([1, 2, 3]);
  });

  it('clamps predictions into [0, 1]', () => {
    const ones = { ...data.matrix, scores: new Float64Array(data.matrix.scores.length).fill(1) };
    const model = trainer.train(data.features, ones, { hashBits: 10, epsilon: 0 });
    for (const features of test.features.slice(0, 10)) {
      expect(Array.from(model.predict(features)).every((q) => q <= 1 && q > 0.9)).toBe(true);
    }
  });

  it('skips a query with non-finite features instead of poisoning the weights', () => {
    const broken = [...data.features];
    broken[0] = featuresOf([1, 2], [NaN, 0, 0]);
    broken[1] = featuresOf([3], [Infinity, 0, 0], [Infinity]);
    const model = trainer.train(broken, data.matrix, { hashBits: 10 });
    const reloaded = SvmModel.fromJSON(model.toJSON(), model.candidates);
    expect(routingAccuracy((f) => reloaded.predict(f), test)).toBeGreaterThanOrEqual(0.9);
  });

  it.each([
    [{ c: 0 }, /"c" must be in/],
    [{ epochs: 0 }, /"epochs" must be in/],
    [{ loss: 'hinge' }, /"loss" must be one of/],
    [{ learningRate: 0.1 }, /unknown option "learningRate"/],
  ])('refuses the options %p', (options, message) => {
    expect(() => trainer.train(data.features, data.matrix, options as never)).toThrow(message);
  });

  it('defaults to a small artifact: 2^14 buckets', () => {
    expect(SVM_DEFAULTS.hashBits).toBe(14);
    const model = trainer.train(data.features, data.matrix);
    expect(model.toJSON().hash_bits).toBe(14);
  });
});
