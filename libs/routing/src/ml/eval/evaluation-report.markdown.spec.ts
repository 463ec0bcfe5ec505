import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderEvaluationMarkdown } from './evaluation-report.markdown';
import { type EvaluationSuite, runEvaluationSuite, SUITE_DATA } from './evaluation-suite.runner';
import { checkTargets } from './evaluation-targets';
import type { RuleEvaluation } from './router-evaluation';

const FIXTURES = join(__dirname, '..', 'data', '__fixtures__');
const META = {
  generatedAt: '2025-01-01',
  nodeVersion: 'v20',
  dataDir: '../shared/data',
  images: { qualityCost: 'img/q.svg', pgrMmlu: 'img/m.svg', pgrGsm8k: 'img/g.svg' },
};

function fixtureDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-report-'));
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

/** The suite with kNN's cost-aware share of best-single quality set per fold seed. */
function withCostAwareShares(suite: EvaluationSuite, shares: readonly number[]): EvaluationSuite {
  const patch = (rules: readonly RuleEvaluation[], share: number): RuleEvaluation[] =>
    rules.map((evaluation) =>
      evaluation.rule === 'cost-aware'
        ? { ...evaluation, metrics: { ...evaluation.metrics, fractionOfBestSingle: share } }
        : evaluation,
    );
  const s = suite.llmrouter;
  return {
    ...suite,
    llmrouter: {
      ...s,
      kinds: s.kinds.map((run) =>
        run.kind === 'knn' && run.result
          ? { ...run, result: { ...run.result, rules: patch(run.result.rules, shares[0]!) } }
          : run,
      ),
      seedRuns: s.seedRuns.map((run, i) => ({ ...run, rules: patch(run.rules, shares[i + 1]!) })),
    },
  };
}

describe(renderEvaluationMarkdown.name, () => {
  let dir: string;
  let suite: EvaluationSuite;
  const render = (shares: readonly number[]): string => {
    const patched = withCostAwareShares(suite, shares);
    return renderEvaluationMarkdown(patched, checkTargets(patched), META);
  };

  beforeAll(() => {
    dir = fixtureDataDir();
    suite = runEvaluationSuite({ dataDir: dir, folds: 2, kinds: ['knn'], extraSeeds: [2, 3] });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('calls a cost-aware pass by less than a point at some fold seed marginal', () => {
    const markdown = render([0.998, 0.991, 0.998]);
    expect(markdown).toContain(
      "Across fold seeds its quality is 99.8% at seed 1, 99.1% at seed 2, 99.8% at seed 3 of the best single model's: only 0.1 points above the 99.0% target at seed 2, so the quality target is marginal.",
    );
  });

  it('says which fold seed misses the target', () => {
    expect(render([0.995, 0.985, 0.999])).toContain('below the 99.0% target at seed 2');
  });

  it('lists the fold seeds without a verdict when every seed clears the target by a point', () => {
    const markdown = render([1.01, 1.02, 1.005]);
    expect(markdown).toContain('Across fold seeds its quality is 101.0% at seed 1');
    expect(markdown).not.toContain('marginal');
  });

  it('states which defaults were chosen on the evaluation data', () => {
    expect(render([1, 1, 1])).toContain('**Defaults chosen on these data.**');
  });
});
