import { seededRandom } from './seeded-random';
import { featuresOf } from './__fixtures__/synthetic-routing.fixture';
import {
  candidateMeans,
  checkTrainingInput,
  lossGradient,
  scoreLoss,
  sigmoid,
  splitHoldOut,
} from './training-input';

describe('training input helpers', () => {
  it('holds out a disjoint slice of the asked share, at least one row when asked', () => {
    const { train, validation } = splitHoldOut(100, 0.1, seededRandom(1));
    expect(validation.length).toBe(10);
    expect(train.length).toBe(90);
    expect(new Set([...train, ...validation]).size).toBe(100);
    expect(splitHoldOut(5, 0.01, seededRandom(1)).validation.length).toBe(1);
    expect(splitHoldOut(1, 0.5, seededRandom(1)).validation.length).toBe(0);
    expect(splitHoldOut(10, 0, seededRandom(1)).train.length).toBe(10);
  });

  it('refuses candidate names a loader would refuse, and mismatched dense sizes', () => {
    const features = [featuresOf([1], [0]), featuresOf([2], [0])];
    const matrix = { queries: ['a', 'b'], candidates: ['x', 'y'], scores: new Float64Array(4) };
    expect(() => checkTrainingInput(features, matrix)).not.toThrow();
    expect(() => checkTrainingInput(features, { ...matrix, candidates: ['x', 'x'] })).toThrow(
      /unique/,
    );
    expect(() => checkTrainingInput(features, matrix, 3)).toThrow(/at least 3/);
    expect(() => checkTrainingInput([features[0]!, featuresOf([2], [0, 1])], matrix)).toThrow(
      /dense features/,
    );
  });

  it('averages each candidate over its known scores only', () => {
    const means = candidateMeans({
      queries: ['a', 'b'],
      candidates: ['x', 'y', 'z'],
      scores: Float64Array.from([1, NaN, NaN, 0, 0.5, NaN]),
    });
    expect(Array.from(means)).toEqual([0.5, 0.5, 0.5]);
  });

  it.each(['bce', 'mse'] as const)('gives the %s gradient with respect to the logit', (loss) => {
    for (const [logit, target] of [
      [0.3, 1],
      [-2, 0],
      [1.5, 0.25],
    ] as const) {
      const h = 1e-5;
      const numeric =
        (scoreLoss(loss, sigmoid(logit + h), target) -
          scoreLoss(loss, sigmoid(logit - h), target)) /
        (2 * h);
      expect(lossGradient(loss, sigmoid(logit), target)).toBeCloseTo(numeric, 5);
    }
  });
});
