import { join } from 'node:path';
import { loadDataset } from '../data/dataset.loader';
import { factsForMatrix } from '../data/price-table';
import type { CandidateFacts, ScoreMatrix } from '../ml.types';
import {
  defaultStrongWeak,
  evaluateRouter,
  evaluateRule,
  featurizerOptionsOf,
  strongWinScores,
} from './router-evaluation';

const FIXTURES = join(__dirname, '..', 'data', '__fixtures__');
const llmrouter = loadDataset(join(FIXTURES, 'llmrouter-matrix.jsonl'), {
  pricesPath: join(FIXTURES, 'llmrouter-prices.json'),
});
const gsm8k = loadDataset(join(FIXTURES, 'routellm-gsm8k.csv'));
const GPT4 = 0;
const MIXTRAL = 1;

describe(evaluateRouter.name, () => {
  it('cross-validates kNN on the LLMRouter subset and beats every single model', () => {
    const { matrix } = llmrouter;
    const evaluation = evaluateRouter(matrix, {
      kind: 'knn',
      folds: 3,
      rule: 'argmax',
      facts: factsForMatrix(matrix, llmrouter.prices),
    });
    const metrics = evaluation.rule.metrics;
    expect(evaluation).toMatchObject({ kind: 'knn', folds: 3, seed: 1 });
    expect(evaluation.strongWeak).toBeUndefined();
    expect(metrics.queries).toBe(141);
    expect(metrics.fractionOfBestSingle).toBeGreaterThan(1);
    expect(metrics.fractionOfOracle).toBeLessThanOrEqual(1);
    expect(metrics.costVsBestSingle).toBeGreaterThan(0);
    const again = evaluateRouter(matrix, {
      kind: 'knn',
      folds: 3,
      rule: 'argmax',
      facts: factsForMatrix(matrix, llmrouter.prices),
    });
    expect(again.rule.metrics).toEqual(metrics);
  });

  it('calibrates the threshold rule to --strong-pct on the out-of-fold scores and reports APGR', () => {
    const { matrix } = gsm8k;
    const facts = factsForMatrix(matrix);
    const pair = { strong: GPT4, weak: MIXTRAL };
    const evaluation = evaluateRouter(matrix, {
      kind: 'knn',
      folds: 5,
      rule: 'threshold',
      facts,
      pair,
      strongPct: 30,
    });
    expect(evaluation.rule.args).toMatchObject({
      strong: 'gpt-4-1106-preview',
      weak: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
    });
    expect(typeof evaluation.rule.args.threshold).toBe('number');
    expect(evaluation.rule.metrics.shares['gpt-4-1106-preview']).toBeGreaterThanOrEqual(0.3);
    expect(evaluation.rule.metrics.shares['gpt-4-1106-preview']).toBeLessThan(0.45);
    const report = evaluation.strongWeak!;
    expect(report.strong).toBe('gpt-4-1106-preview');
    expect(report.points).toHaveLength(11);
    expect(report.points[0]!.strongShare).toBe(0);
    expect(report.points[10]!.strongShare).toBe(1);
    expect(Number.isFinite(report.apgr)).toBe(true);
  });

  it('keeps an explicit threshold, and refuses the threshold rule without a pair', () => {
    const { matrix } = gsm8k;
    const facts = factsForMatrix(matrix);
    const pair = { strong: GPT4, weak: MIXTRAL };
    const all = evaluateRouter(matrix, {
      kind: 'knn',
      rule: 'threshold',
      facts,
      pair,
      ruleArgs: { threshold: -2 },
    });
    expect(all.rule.metrics.shares['gpt-4-1106-preview']).toBe(1);
    const three: ScoreMatrix = {
      ...matrix,
      candidates: ['a', 'b', 'c'],
      scores: new Float64Array(matrix.queries.length * 3).fill(0.5),
    };
    const unknown: CandidateFacts[] = [0, 1, 2].map(() => ({
      costPer1k: undefined,
      size: undefined,
    }));
    expect(() => evaluateRouter(three, { kind: 'knn', rule: 'threshold', facts: unknown })).toThrow(
      'needs --strong and --weak',
    );
  });
});

describe(defaultStrongWeak.name, () => {
  it('pairs the best-scoring candidate with the smallest other one, or the other of a pair', () => {
    const { matrix } = llmrouter;
    const pair = defaultStrongWeak(matrix, factsForMatrix(matrix, llmrouter.prices))!;
    expect(matrix.candidates[pair.weak]).toBe('codegemma-7b');
    const means = matrix.candidates.map((_, c) =>
      matrix.queries.reduce((s, _q, q) => s + matrix.scores[q * 9 + c]!, 0),
    );
    expect(means[pair.strong]).toBe(Math.max(...means));
    const facts = factsForMatrix(gsm8k.matrix);
    expect(defaultStrongWeak(gsm8k.matrix, facts)).toEqual({ strong: GPT4, weak: MIXTRAL });
  });
});

describe(evaluateRule.name, () => {
  it('measures any rule on given predictions; strongWinScores is the predicted gap', () => {
    const matrix: ScoreMatrix = {
      queries: ['a', 'b'],
      candidates: ['x', 'y'],
      scores: Float64Array.from([1, 0, 0, 1]),
    };
    const predicted = Float64Array.from([0.9, 0.1, 0.2, 0.8]);
    const facts: CandidateFacts[] = [
      { costPer1k: 1, size: 1 },
      { costPer1k: 1, size: 2 },
    ];
    expect(evaluateRule(matrix, predicted, 'argmax', facts).metrics.meanQuality).toBe(1);
    expect(evaluateRule(matrix, predicted, 'smallest', facts).metrics.meanQuality).toBe(0.5);
    expect([...strongWinScores(matrix, predicted, 1, 0)].map((v) => +v.toFixed(6))).toEqual([
      -0.8, 0.6,
    ]);
  });
});

describe(featurizerOptionsOf.name, () => {
  it('passes known featurizer options and names an unknown one', () => {
    expect(featurizerOptionsOf({ sparseBits: 12, wordNgrams: 1 })).toEqual({
      sparseBits: 12,
      wordNgrams: 1,
    });
    expect(() => featurizerOptionsOf({ sparsebits: 12 })).toThrow(
      /^unknown featurizer option "sparsebits" \(known: sparseBits, /,
    );
  });
});
