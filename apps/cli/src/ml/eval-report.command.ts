import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  checkTargets,
  renderEvaluationMarkdown,
  runEvaluationSuite,
  suitePgrSvg,
  suiteQualityCostSvg,
} from '@routeiq/routing';
import type { CliCommand } from '../cli-command';
import { parseCommandArgs } from '../cli-command';
import { integerOption } from './ml-cli.args';
import { progressBar } from './progress-bar';

/** Where `npm run eval:routing` reads its data unless `ROUTEIQ_EVAL_DATA` or `--data-dir` says otherwise. */
export const DEFAULT_EVAL_DATA = '../shared/data';

const IMAGES = {
  qualityCost: 'img/routing-quality-cost.svg',
  pgrMmlu: 'img/routing-pgr-mmlu.svg',
  pgrGsm8k: 'img/routing-pgr-gsm8k.svg',
} as const;

/** `routeiq eval-report`: the published evaluation, docs/routing-evaluation.md and its plots. */
export const evalReportCommand: CliCommand = {
  name: 'eval-report',
  summary: 'Run the published routing evaluation; write docs/routing-evaluation.md and plots',
  usage: `Usage: routeiq eval-report [--data-dir <dir>] [--docs <dir>] [--folds <n>] [--seed <n>]

Cross-validates every router kind on the LLMRouter matrix and RouteLLM's MMLU and GSM8K pairs,
checks issue #9's targets, and writes <docs>/routing-evaluation.md and <docs>/img/routing-*.svg
(npm run eval:routing). Takes several minutes; progress goes to stderr.

  --data-dir <dir>  the data (llmrouter/ and routellm/ inside); default ROUTEIQ_EVAL_DATA, else
                    ${DEFAULT_EVAL_DATA}
  --docs <dir>      where to write (default docs)
  --folds <n>       folds (default 5)
  --seed <n>        fold and trainer seed (default 1)`,
  async run(args, { config, io }) {
    const { values } = parseCommandArgs(args, {
      'data-dir': { type: 'string' },
      docs: { type: 'string' },
      folds: { type: 'string' },
      seed: { type: 'string' },
    });
    const dataDir =
      (values['data-dir'] as string | undefined) ??
      config.env.ROUTEIQ_EVAL_DATA ??
      DEFAULT_EVAL_DATA;
    if (!existsSync(dataDir)) {
      throw new Error(
        `data directory ${dataDir} does not exist (set ROUTEIQ_EVAL_DATA or --data-dir)`,
      );
    }
    const docs = (values.docs as string | undefined) ?? 'docs';
    const suite = runEvaluationSuite({
      dataDir: resolve(dataDir),
      folds: integerOption(values.folds, '--folds', 5, 2, 20),
      seed: integerOption(values.seed, '--seed', 1, 0, 2 ** 32 - 1),
      progress: (label) => progressBar(io, label),
    });
    const targets = checkTargets(suite);
    const markdown = renderEvaluationMarkdown(suite, targets, {
      generatedAt: new Date().toISOString().slice(0, 10),
      nodeVersion: process.version,
      dataDir,
      images: IMAGES,
    });
    await mkdir(join(docs, 'img'), { recursive: true });
    await writeFile(join(docs, 'routing-evaluation.md'), markdown);
    await writeFile(join(docs, IMAGES.qualityCost), suiteQualityCostSvg(suite));
    await writeFile(join(docs, IMAGES.pgrMmlu), suitePgrSvg(suite.mmlu, suite.folds));
    await writeFile(join(docs, IMAGES.pgrGsm8k), suitePgrSvg(suite.gsm8k, suite.folds));
    for (const check of targets)
      io.out(`${check.pass ? 'pass' : 'FAIL'}  ${check.target}: ${check.measured}`);
    io.out(`wrote ${join(docs, 'routing-evaluation.md')} and ${join(docs, 'img')}/routing-*.svg`);
  },
};
