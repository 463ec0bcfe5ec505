import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouterEvaluation } from '@routeiq/routing';
import { fixture, GPT4, MIXTRAL, routeiq } from './__fixtures__/ml-cli.harness';

describe('routeiq eval', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-eval-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const llmrouter = [
    '--data',
    fixture('llmrouter-matrix.jsonl'),
    '--prices',
    fixture('llmrouter-prices.json'),
  ];

  it('cross-validates kNN on the LLMRouter subset and prints quality, oracle share and cost', async () => {
    const plot = join(dir, 'plot.svg');
    const run = await routeiq([
      'eval',
      '--router',
      'knn',
      ...llmrouter,
      '--folds',
      '3',
      '--plot',
      plot,
    ]);
    expect(run.code).toBe(0);
    expect(run.out[0]).toBe('router            knn, 3-fold CV (seed 1), rule argmax');
    expect(run.out[1]).toMatch(/^mean quality {6}0\.\d{4}$/);
    expect(run.out[2]).toMatch(/^% of oracle {7}\d+\.\d% \(oracle 0\.\d{4}\)$/);
    expect(run.out[3]).toMatch(
      /^% of best single {2}\d+\.\d% \(llama-3\.3-nemotron-super-49b-v1 0\.\d{4}\)$/,
    );
    expect(run.out[4]).toMatch(
      /^cost {14}\$\d+\.\d{4} = \d+\.\d% of the best single model's \$\d+\.\d{4}$/,
    );
    expect(run.out.join('\n')).not.toContain('APGR');
    expect(run.err).toContain(`wrote ${plot}`);
    expect(run.err.filter((line) => line.startsWith('eval knn ['))).toHaveLength(3);
    const svg = readFileSync(plot, 'utf8');
    expect(svg).toContain('Quality vs cost');
    expect(svg).toContain('knn argmax');
  });

  it('prints the whole evaluation as JSON, with the rule arguments given', async () => {
    const run = await routeiq([
      'eval',
      '--router',
      'knn',
      ...llmrouter,
      '--folds',
      '3',
      '--rule',
      'cost-aware',
      '--arg',
      'cost_weight=0.5',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const evaluation = JSON.parse(run.out.join('\n')) as RouterEvaluation;
    expect(evaluation.rule.rule).toBe('cost-aware');
    expect(evaluation.rule.args).toEqual({ cost_weight: 0.5 });
    expect(evaluation.rule.metrics.costVsBestSingle).toBeLessThan(1);
    const cheap = await routeiq([
      'eval',
      '--router',
      'knn',
      ...llmrouter,
      '--folds',
      '3',
      '--rule',
      'cost-aware',
      '--arg',
      'cost_weight=0',
      '--json',
    ]);
    const free = JSON.parse(cheap.out.join('\n')) as RouterEvaluation;
    expect(free.rule.metrics.meanQuality).toBeGreaterThanOrEqual(
      evaluation.rule.metrics.meanQuality,
    );
  });

  it('reports the threshold sweep, APGR and CPT for a strong/weak pair, and plots PGR', async () => {
    const plot = join(dir, 'pgr.svg');
    const run = await routeiq([
      'eval',
      '--router',
      'knn',
      '--data',
      fixture('routellm-gsm8k.csv'),
      '--exclude',
      fixture('routellm-gsm8k-contaminated.jsonl'),
      '--rule',
      'threshold',
      '--strong',
      GPT4,
      '--weak',
      MIXTRAL,
      '--strong-pct',
      '40',
      '--plot',
      plot,
    ]);
    expect(run.code).toBe(0);
    const text = run.out.join('\n');
    expect(text).toContain(`strong/weak       ${GPT4} (`);
    expect(text).toMatch(/\nAPGR {14}-?\d+\.\d{4}\n/);
    expect(text).toMatch(/\nCPT\(50%\) {10}(\d+\.\d%|never)/);
    expect(text).toMatch(/\nsweep {13}0\.0%:/);
    expect(run.err[0]).toContain('46 queries x 2 candidates (50 rows, 4 dropped, no costs)');
    expect(readFileSync(plot, 'utf8')).toContain('performance gap recovered');
  });

  it('refuses bad arguments with usage (exit 2) and unreadable data with exit 1', async () => {
    for (const argv of [
      ['eval', '--router', 'knn', ...llmrouter, '--rule', 'best'],
      ['eval', '--router', 'knn', ...llmrouter, '--folds', '1'],
      ['eval', '--router', 'knn', ...llmrouter, '--folds', '500'],
      ['eval', '--router', 'knn', ...llmrouter, '--strong', GPT4],
      ['eval', '--router', 'knn', ...llmrouter, '--strong', 'gpt-5', '--weak', 'codegemma-7b'],
      ['eval', '--router', 'knn', ...llmrouter, '--strong-pct', '120'],
      ['eval', '--router', 'knn', ...llmrouter, '--arg', '=1'],
      ['eval', '--router', 'knn', ...llmrouter, '--bogus'],
    ]) {
      const run = await routeiq(argv);
      expect({ argv, code: run.code }).toEqual({ argv, code: 2 });
      expect(run.err.join('\n')).toContain('Usage: routeiq eval');
    }
    const missing = await routeiq(['eval', '--router', 'knn', '--data', join(dir, 'none.jsonl')]);
    expect(missing).toMatchObject({
      code: 1,
      err: [`routeiq eval: --data ${join(dir, 'none.jsonl')} does not exist`],
    });
    const badArg = await routeiq([
      'eval',
      '--router',
      'knn',
      ...llmrouter,
      '--rule',
      'cost-aware',
      '--arg',
      'cost_weight=-1',
    ]);
    expect(badArg).toMatchObject({
      code: 1,
      err: [
        expect.stringMatching(/^data: /),
        'routeiq eval: routing_strategy_args.cost_weight must be a number ≥ 0',
      ],
    });
  });
});
