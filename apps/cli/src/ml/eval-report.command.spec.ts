import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureDataDir, routeiq } from './__fixtures__/ml-cli.harness';

describe('routeiq eval-report', () => {
  let data: string;
  beforeAll(() => {
    data = fixtureDataDir();
  });
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('runs the published evaluation on a data directory and writes the report and plots', async () => {
    const docs = join(data, 'docs');
    const run = await routeiq(['eval-report', '--docs', docs, '--folds', '2'], {
      ROUTEIQ_EVAL_DATA: data,
    });
    expect(run.code).toBe(0);
    expect(run.out).toHaveLength(8);
    for (const line of run.out.slice(0, 7)) expect(line).toMatch(/^(pass|FAIL) {2}\S.*: \S/);
    expect(run.out[0]).toMatch(/^(pass|FAIL) {2}kNN ≥ 80\.0% of oracle: \d+\.\d%$/);
    expect(run.err.some((line) => line.startsWith('RouteLLM GSM8K knn ['))).toBe(true);
    const markdown = readFileSync(join(docs, 'routing-evaluation.md'), 'utf8');
    expect(markdown).toContain(`data from \`${data}\``);
    expect(markdown).toContain('2 folds, seed 1');
    for (const image of [
      'routing-quality-cost.svg',
      'routing-pgr-mmlu.svg',
      'routing-pgr-gsm8k.svg',
    ]) {
      expect(markdown).toContain(`](img/${image})`);
      expect(readFileSync(join(docs, 'img', image), 'utf8')).toMatch(/^<svg /);
    }
    // The whole published evaluation: 10-20 s alone, up to a minute beside the other test workers.
  }, 120_000);

  it('fails (exit 1) when the data directory or a data file is missing', async () => {
    const nowhere = join(data, 'nowhere');
    const run = await routeiq(['eval-report', '--data-dir', nowhere, '--docs', join(data, 'x')]);
    expect(run).toMatchObject({
      code: 1,
      err: [
        `routeiq eval-report: data directory ${nowhere} does not exist (set ROUTEIQ_EVAL_DATA or --data-dir)`,
      ],
    });
    rmSync(join(data, 'routellm', 'gsm8k'), { recursive: true });
    const partial = await routeiq(['eval-report', '--docs', join(data, 'y'), '--folds', '2'], {
      ROUTEIQ_EVAL_DATA: data,
    });
    expect(partial).toMatchObject({
      code: 1,
      err: [
        `routeiq eval-report: ${data} lacks routellm/gsm8k/gsm8k_responses.csv, routellm/gsm8k/contaminated_prompts.jsonl`,
      ],
    });
  });
});
