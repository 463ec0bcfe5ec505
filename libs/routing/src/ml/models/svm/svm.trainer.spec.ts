import {
  routingAccuracy,
  syntheticRouting,
} from '../shared/__fixtures__/synthetic-routing.fixture';
import { SvmTrainer } from './svm.trainer';

describe(SvmTrainer.name, () => {
  const trainer = new SvmTrainer();
  const data = syntheticRouting(400, 8);
  const test = syntheticRouting(100, 9);

  it('trains with the classic L1 ε-insensitive loss and without averaging too', () => {
    for (const options of [{ loss: 'epsilon_insensitive' as const }, { averageEpochs: 0 }]) {
      const model = trainer.train(data.features, data.matrix, { hashBits: 10, ...options });
      expect(routingAccuracy((f) => model.predict(f), test)).toBeGreaterThanOrEqual(0.9);
    }
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

  it('refuses to return a model when training diverged', () => {
    expect(() =>
      trainer.train(data.features, data.matrix, { hashBits: 10, learningRate: 10, lambda: 1e-9 }),
    ).toThrow(/diverged/);
  });
});
