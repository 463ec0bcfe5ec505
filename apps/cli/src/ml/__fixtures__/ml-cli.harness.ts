import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../../cli.runner';

/** The vendored data subsets the ML command specs run on. */
export const FIXTURES = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  '..',
  'libs',
  'routing',
  'src',
  'ml',
  'data',
  '__fixtures__',
);
export const fixture = (name: string): string => join(FIXTURES, name);

export const GPT4 = 'gpt-4-1106-preview';
export const MIXTRAL = 'mistralai/Mixtral-8x7B-Instruct-v0.1';

export interface CliRun {
  code: number;
  out: string[];
  err: string[];
}

/** Runs `routeiq <argv>` in-process, capturing stdout and stderr lines. */
export async function routeiq(argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const result: CliRun = { code: -1, out: [], err: [] };
  result.code = await runCli(
    argv,
    { out: (line) => result.out.push(line), err: (line) => result.err.push(line) },
    env,
  );
  return result;
}

/** A data directory in the published evaluation's layout, filled with the vendored subsets. */
export function fixtureDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-eval-data-'));
  const put = (from: string, to: string): void => {
    mkdirSync(dirname(join(dir, to)), { recursive: true });
    copyFileSync(fixture(from), join(dir, to));
  };
  put('llmrouter-matrix.jsonl', 'llmrouter/routing_matrix.jsonl');
  put('llmrouter-prices.json', 'llmrouter/default_llm.json');
  for (const file of readdirSync(fixture('routellm-mmlu'))) {
    put(`routellm-mmlu/${file}`, `routellm/mmlu/responses/${file}`);
  }
  writeFileSync(join(dir, 'routellm/mmlu/contaminated_prompts.jsonl'), '');
  put('routellm-gsm8k.csv', 'routellm/gsm8k/gsm8k_responses.csv');
  put('routellm-gsm8k-contaminated.jsonl', 'routellm/gsm8k/contaminated_prompts.jsonl');
  return dir;
}
