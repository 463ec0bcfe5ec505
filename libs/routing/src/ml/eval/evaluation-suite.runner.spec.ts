import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suitePgrSvg, suiteQualityCostSvg } from './evaluation-report.charts';
import { renderEvaluationMarkdown } from './evaluation-report.markdown';
import {
  COST_WEIGHT_SWEEP,
  type EvaluationSuite,
  runEvaluationSuite,
  SUITE_DATA,
} from './evaluation-suite.runner';
import { checkTargets } from './evaluation-targets';
import type { QualityModelKind } from '../ml.types';

const FIXTURES = join(__dirname, '..', 'data', '__fixtures__');

/** The published evaluation's data layout, filled with the vendored subsets. */
function fixtureDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-suite-'));
  const put = (from: string, to: string): void => {
    mkdirSync(join(dir, to, '..'), { recursive: true });
    copyFileSync(join(FIXTURES, from), join(dir, to));
  };
  put('llmrouter-matrix.jsonl', SUITE_DATA.llmrouterMatrix);
  put('llmrouter-prices.json', SUITE_DATA.llmrouterPrices);
  for (const file of readdirSync(join(FIXTURES, 'routellm-mmlu')))
    put(`routellm-mmlu/${file}`, `${SUITE_DATA.mmluResponses}/${file}`);
  writeFileSync(join(dir, SUITE_DATA.mmluContaminated), '');
  put('routellm-gsm8k.csv', SUITE_DATA.gsm8kResponses);
  put('routellm-gsm8k-contaminated.jsonl', SUITE_DATA.gsm8kContaminated);
  return dir;
}

describe(runEvaluationSuite.name, () => {
  let dir: string;
  let suite: EvaluationSuite;
  const labels: string[] = [];

  beforeAll(() => {
    dir = fixtureDataDir();
    suite = runEvaluationSuite({
      dataDir: dir,
      folds: 3,
      kinds: ['knn', 'elo'],
      extraSeeds: [2],
      progress: (label) => {
        labels.push(label);
        return () => undefined;
      },
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every kind and rule on the LLMRouter data, with the cost-weight sweep and seed re-runs', () => {
    const s = suite.llmrouter;
    expect(s).toMatchObject({ queries: 141, groups: 14 });
    expect(s.singles).toHaveLength(9);
    const knn = s.kinds.find((run) => run.kind === 'knn')!;
    expect(knn.result!.rules.map((r) => r.rule)).toEqual([
      'argmax',
      'cost-aware',
      'hybrid',
      'smallest',
      'largest',
    ]);
    expect(knn.result!.costSweep.map((point) => point.weight)).toEqual([...COST_WEIGHT_SWEEP]);
    expect(s.seedRuns.map((run) => run.seed)).toEqual([2]);
    expect(labels).toEqual(
      expect.arrayContaining([
        'llmrouter knn',
        'llmrouter knn seed 2',
        'RouteLLM MMLU knn',
        'RouteLLM GSM8K elo',
      ]),
    );
  });

  it('runs the threshold sweep on both RouteLLM sets, dropping contaminated prompts', () => {
    expect(suite.gsm8k.stats.dropped).toBe(4);
    expect(suite.gsm8k.queries).toBe(46);
    const report = suite.mmlu.kinds.find((run) => run.kind === 'knn')!.result!;
    expect(report.strong).toBe('gpt-4-1106-preview');
    expect(report.points).toHaveLength(11);
  });

  it('checks the targets, each with a measured figure and a verdict', () => {
    const targets = checkTargets(suite);
    expect(targets.map((t) => t.target)).toEqual([
      'kNN ≥ 80.0% of oracle',
      'cost-aware kNN ≥ 99.0% of best-single quality at ≤ 40.0% of its cost',
      'MLP within 1.5 points of kNN (% of oracle)',
      'SVM within 1.5 points of kNN (% of oracle)',
      'MF within 1.5 points of kNN (% of oracle)',
      'threshold kNN APGR ≥ 0.60 on RouteLLM MMLU',
      'threshold kNN APGR ≥ 0.55 on RouteLLM GSM8K',
    ]);
    // MLP, SVM and MF were not run here: their targets fail rather than pass by default.
    expect(targets[2]).toEqual({
      target: targets[2]!.target,
      measured: 'mlp was not run',
      pass: false,
    });
    const knn = suite.llmrouter.kinds[0]!.result!.rules[0]!.metrics;
    expect(targets[0]!.pass).toBe(knn.fractionOfOracle >= 0.8);
    expect(targets[0]!.measured).toBe(`${(knn.fractionOfOracle * 100).toFixed(1)}%`);
  });

  it('renders the report and its plots', () => {
    const markdown = renderEvaluationMarkdown(suite, checkTargets(suite), {
      generatedAt: '2025-01-01',
      nodeVersion: 'v20',
      dataDir: '../shared/data',
      images: { qualityCost: 'img/q.svg', pgrMmlu: 'img/m.svg', pgrGsm8k: 'img/g.svg' },
    });
    expect(markdown).toMatch(/^# Routing evaluation\n/);
    expect(markdown).toContain('## Targets (issue #9): ');
    expect(markdown).toContain('| knn | cost-aware (cost_weight ');
    expect(markdown).toContain('| RouteLLM GSM8K | elo | ');
    expect(markdown).toContain('![Quality vs cost on the LLMRouter matrix](img/q.svg)');
    expect(markdown).toContain('MIT License');
    expect(markdown).toContain('Apache License 2.0');
    expect(markdown).toContain('npm run eval:routing');
    expect(suiteQualityCostSvg(suite)).toContain('knn, cost_weight 0 to 1');
    expect(suiteQualityCostSvg(suite)).toContain('knn: argmax, cost-aware');
    expect(suitePgrSvg(suite.mmlu, 3)).toContain('RouteLLM MMLU: threshold routers (3-fold CV)');
  });

  it('reports a kind that cannot train instead of skipping it, and fails on missing data', () => {
    const odd = runEvaluationSuite({
      dataDir: dir,
      folds: 2,
      kinds: ['nope' as QualityModelKind],
      extraSeeds: [],
    });
    expect(odd.llmrouter.kinds[0]).toMatchObject({
      kind: 'nope',
      error: expect.stringContaining('unknown model kind'),
    });
    expect(odd.llmrouter.seedRuns).toEqual([]);
    expect(checkTargets(odd)[0]).toMatchObject({ pass: false, measured: 'knn was not run' });
    expect(() => runEvaluationSuite({ dataDir: join(dir, 'missing'), kinds: ['knn'] })).toThrow(
      `${join(dir, 'missing')} lacks llmrouter/routing_matrix.jsonl, llmrouter/default_llm.json, routellm/mmlu/responses`,
    );
  });
});
