import { writeFile } from 'node:fs/promises';
import {
  DECISION_RULE_NAMES,
  evaluateRouter,
  factsForMatrix,
  isDecisionRuleName,
  pgrVsStrongSvg,
  qualityVsCostSvg,
  type RouterEvaluation,
  type ScoreMatrix,
  candidateMeans,
} from '@routeiq/routing';
import { CliUsageError, type CliCommand } from '../cli-command';
import { parseCommandArgs } from '../cli-command';
import { evaluationLines } from './eval.output';
import {
  DATA_OPTIONS,
  DATA_USAGE,
  describeDataset,
  featureOptions,
  integerOption,
  loadDataOption,
  numberOption,
  pairOption,
  parseKeyValues,
  routerKindOption,
} from './ml-cli.args';
import { progressBar } from './progress-bar';

/** The plot of one evaluation: PGR vs strong calls for a strong/weak pair, else quality vs cost. */
function plotSvg(matrix: ScoreMatrix, evaluation: RouterEvaluation): string {
  const name = `${evaluation.kind} ${evaluation.rule.rule}`;
  if (evaluation.strongWeak) {
    const title = `${evaluation.strongWeak.strong} vs ${evaluation.strongWeak.weak}`;
    return pgrVsStrongSvg(title, [{ name, points: evaluation.strongWeak.points }]);
  }
  const metrics = evaluation.rule.metrics;
  const means = candidateMeans(matrix);
  const bestCost = metrics.bestSingle.cost;
  const m = matrix.candidates.length;
  const singles = matrix.candidates.map((candidate, c) => {
    let cost = 0;
    for (let q = 0; q < matrix.queries.length; q++) cost += matrix.costs?.[q * m + c] ?? NaN;
    return { name: candidate, relativeCost: bestCost ? cost / bestCost : NaN, quality: means[c]! };
  });
  return qualityVsCostSvg({
    title: 'Quality vs cost (cross-validated)',
    singles,
    routers: [
      {
        name,
        points: [
          { name, relativeCost: metrics.costVsBestSingle ?? NaN, quality: metrics.meanQuality },
        ],
      },
    ],
    oracleQuality: metrics.oracleQuality,
  });
}

const EVAL_OPTIONS = {
  ...DATA_OPTIONS,
  router: { type: 'string' },
  folds: { type: 'string' },
  seed: { type: 'string' },
  rule: { type: 'string' },
  arg: { type: 'string', multiple: true },
  option: { type: 'string', multiple: true },
  'feature-option': { type: 'string', multiple: true },
  strong: { type: 'string' },
  weak: { type: 'string' },
  'strong-pct': { type: 'string' },
  plot: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The evaluation settings the flags give (data and pair are read later). */
function evalOptions(values: Record<string, unknown>) {
  const rule = (values.rule as string | undefined) ?? 'argmax';
  if (!isDecisionRuleName(rule)) {
    throw new CliUsageError(`--rule must be one of ${DECISION_RULE_NAMES.join(', ')}`);
  }
  return {
    kind: routerKindOption(values.router),
    rule,
    folds: integerOption(values.folds, '--folds', 5, 2, 100),
    seed: integerOption(values.seed, '--seed', 1, 0, 2 ** 32 - 1),
    strongPct: numberOption(values['strong-pct'], '--strong-pct', undefined, 0, 100),
    ruleArgs: parseKeyValues(values.arg, '--arg'),
    trainerOptions: parseKeyValues(values.option, '--option'),
    featurizerOptions: featureOptions(values),
  };
}

/** `routeiq eval`: k-fold cross-validation of a router and decision rule. */
export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Cross-validate a router: quality, % of oracle, cost, APGR (optional SVG plot)',
  usage: `Usage: routeiq eval --router <knn|mlp|svm|mf|elo> --data <file|dir>
                    [--format <name>] [--prices <file>] [--exclude <file>]
                    [--folds <n>] [--seed <n>] [--rule <name>] [--arg <key=value>]...
                    [--option <key=value>]... [--feature-option <key=value>]...
                    [--strong <candidate> --weak <candidate>] [--strong-pct <0-100>]
                    [--plot <out.svg>] [--json]

k-fold cross-validation over the unique queries (stratified by task when the data names tasks):
each fold's featurizer and model are trained on the other folds only. Prints mean quality, % of
the oracle (best candidate per query), % of the best single model's quality, cost vs the best
single model, and for a strong/weak pair RouteLLM's threshold sweep, APGR and CPT(50%/80%).

  --router <kind>          model kind: knn, mlp, svm, mf or elo
${DATA_USAGE}
  --folds <n>              number of folds (default 5)
  --seed <n>               fold shuffle and trainer seed (default 1)
  --rule <name>            ${DECISION_RULE_NAMES.join(' | ')} (default argmax)
  --arg <key=value>        a decision rule argument (cost_weight, quality_threshold,
                           max_cost_per_1k_tokens, quality_gap, threshold). Repeatable.
  --option <key=value>     a trainer option. Repeatable.
  --feature-option <k=v>   a featurizer option. Repeatable.
  --strong, --weak         the strong/weak pair (default: the best-scoring candidate, and the
                           smallest or cheapest other one)
  --strong-pct <n>         threshold rule without --arg threshold: send n% of queries strong
                           (default 50)
  --plot <out.svg>         write a plot: PGR vs % strong calls for a pair, else quality vs cost
  --json                   print the full result as JSON`,
  async run(args, { io }) {
    const { values } = parseCommandArgs(args, EVAL_OPTIONS);
    const options = evalOptions(values);
    const dataset = loadDataOption(values);
    const { matrix } = dataset;
    if (options.folds > matrix.queries.length)
      throw new CliUsageError(`--folds must not exceed the ${matrix.queries.length} queries`);
    io.err(describeDataset(values.data as string, dataset));
    const evaluation = evaluateRouter(matrix, {
      ...options,
      facts: factsForMatrix(matrix, dataset.prices),
      pair: pairOption(values, matrix.candidates),
      progress: progressBar(io, `eval ${options.kind}`),
    });
    if (values.plot) {
      await writeFile(values.plot as string, plotSvg(matrix, evaluation));
      io.err(`wrote ${values.plot as string}`);
    }
    if (values.json) io.out(JSON.stringify(evaluation, null, 2));
    else for (const line of evaluationLines(evaluation)) io.out(line);
  },
};
