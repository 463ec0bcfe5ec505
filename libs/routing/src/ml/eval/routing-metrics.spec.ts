import type { CandidateFacts, DecisionRule, ScoreMatrix } from '../ml.types';
import { decideAll, oracleQuality, routingMetrics } from './routing-metrics';

// 4 queries × 3 candidates: cheap (mean 0.5), dear (mean 0.75), spotty (mean 0.25, 2 unknown).
const matrix: ScoreMatrix = {
  queries: ['q0', 'q1', 'q2', 'q3'],
  candidates: ['cheap', 'dear', 'spotty'],
  scores: Float64Array.from([1, 1, NaN, 0, 1, 1, 1, 0, NaN, 0, 1, 0]),
  costs: Float64Array.from([1, 10, 5, 1, 10, 5, 1, 10, 5, 1, 10, 5]),
};

describe(routingMetrics.name, () => {
  it('measures quality against the oracle and the best single model, and cost against it', () => {
    const metrics = routingMetrics(matrix, Int32Array.from([0, 1, 0, 1]));
    expect(metrics.meanQuality).toBe(1);
    expect(metrics.oracleQuality).toBe(1);
    expect(metrics.bestSingle).toEqual({ candidate: 'dear', quality: 0.75, cost: 40 });
    expect(metrics.fractionOfOracle).toBe(1);
    expect(metrics.fractionOfBestSingle).toBeCloseTo(4 / 3, 12);
    expect(metrics.cost).toBe(22);
    expect(metrics.costVsBestSingle).toBe(0.55);
    expect(metrics.shares).toEqual({ cheap: 0.5, dear: 0.5, spotty: 0 });
  });

  it('scores unknown or missing choices as 0 and leaves cost unknown then', () => {
    const metrics = routingMetrics(matrix, Int32Array.from([2, -1, 0, 0]));
    expect(metrics.meanQuality).toBe(0.25);
    expect(metrics.cost).toBeUndefined();
    expect(metrics.costVsBestSingle).toBeUndefined();
    expect(metrics.shares.spotty).toBe(0.25);
  });

  it('leaves cost out for data without costs', () => {
    const bare = { ...matrix, costs: undefined };
    const metrics = routingMetrics(bare, Int32Array.from([0, 0, 0, 0]));
    expect(metrics.bestSingle.cost).toBeUndefined();
    expect(metrics.cost).toBeUndefined();
    expect(oracleQuality(bare)).toBe(1);
    expect(oracleQuality({ ...bare, scores: bare.scores.map((s) => s / 2) })).toBe(0.5);
  });
});

describe(decideAll.name, () => {
  it("applies the rule per query with that query's predictions, offering only scored candidates", () => {
    const calls: { predicted: number[]; available: boolean[]; args: unknown }[] = [];
    const rule: DecisionRule = (predicted, _facts, available, args) => {
      calls.push({ predicted: [...predicted], available: [...available], args });
      return { index: calls.length % 3, reason: 'test' };
    };
    const facts: CandidateFacts[] = matrix.candidates.map(() => ({ costPer1k: 1, size: 1 }));
    const predicted = Float64Array.from({ length: 12 }, (_, i) => i / 10);
    const choices = decideAll(matrix, predicted, rule, facts, { cost_weight: 2 });
    expect([...choices]).toEqual([1, 2, 0, 1]);
    expect(calls[1]).toEqual({
      predicted: [0.3, 0.4, 0.5],
      available: [true, true, true],
      args: { cost_weight: 2 },
    });
    expect(calls[0]!.available).toEqual([true, true, false]);
    expect(calls[2]!.available).toEqual([true, true, false]);
  });
});
