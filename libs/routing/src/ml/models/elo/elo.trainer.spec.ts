import { featuresOf, syntheticRouting } from '../shared/__fixtures__/synthetic-routing.fixture';
import { EloTrainer } from './elo.trainer';

describe(EloTrainer.name, () => {
  const data = syntheticRouting(400, 3);
  const trainer = new EloTrainer();

  it('with no clusters rates candidates globally, the same for every prompt', () => {
    const model = trainer.train(data.features, data.matrix, { clusters: 0 });
    expect(model.toJSON()).toMatchObject({ clusters: 0, centroids: '' });
    const first = Array.from(model.predict(data.features[0]!));
    expect(Array.from(model.predict(data.features[1]!))).toEqual(first);
    // Each candidate is best on some tasks: a 2-task edge for "small" (tasks 0 and 3).
    expect(first.indexOf(Math.max(...first))).toBe(0);
  });

  it("uses the prompt's cluster ratings, and the global ones for a prompt in no cluster", () => {
    const model = trainer.train(data.features, data.matrix, { clusters: 4, seed: 2 });
    const clusters = new Set(data.features.map((f) => model.clusterOf(f)));
    expect(clusters.size).toBe(4);
    expect(model.clusterOf(featuresOf([]))).toBe(-1);
    expect(model.clusterOf(featuresOf([123]))).toBe(-1);
    const global = trainer.train(data.features, data.matrix, { clusters: 0 });
    expect(Array.from(model.predict(featuresOf([])))).toEqual(
      Array.from(global.predict(featuresOf([]))),
    );
  });

  it('turns ratings into expected win rates that average one half', () => {
    const model = trainer.train(data.features, data.matrix, { clusters: 4 });
    for (const features of data.features.slice(0, 10)) {
      const predicted = Array.from(model.predict(features));
      expect(predicted.reduce((sum, q) => sum + q, 0) / predicted.length).toBeCloseTo(0.5, 6);
    }
  });

  it('needs no pairs to train: one candidate rates one half', () => {
    const single = { ...data.matrix, candidates: ['only'], scores: new Float64Array(400).fill(1) };
    const model = trainer.train(data.features, single, { clusters: 2 });
    expect(Array.from(model.predict(data.features[0]!))).toEqual([0.5]);
  });
});
