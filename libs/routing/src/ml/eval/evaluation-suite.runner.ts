import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, type LoadedDataset } from '../data/dataset.loader';
import { factsForMatrix } from '../data/price-table';
import type { DatasetStats } from '../data/score-matrix.builder';
import type { DecisionRuleName } from '../decision/decision-rules';
import { QUALITY_MODEL_KINDS, type ProgressReporter, type QualityModelKind } from '../ml.types';
import { crossValidateRouter, evaluateRule, type RuleEvaluation } from './router-evaluation';
import { oracleQuality, type RoutingMetrics } from './routing-metrics';
import { candidateMeans } from './score-matrix.subset';
import { strongWeakReport, type StrongWeakReport } from './strong-weak.metrics';

/** Where the published evaluation's data lives, relative to its data directory. */
export const SUITE_DATA = {
  llmrouterMatrix: 'llmrouter/routing_matrix.jsonl',
  llmrouterPrices: 'llmrouter/default_llm.json',
  mmluResponses: 'routellm/mmlu/responses',
  mmluContaminated: 'routellm/mmlu/contaminated_prompts.jsonl',
  gsm8kResponses: 'routellm/gsm8k/gsm8k_responses.csv',
  gsm8kContaminated: 'routellm/gsm8k/contaminated_prompts.jsonl',
} as const;

/** RouteLLM's pair. */
export const ROUTELLM_STRONG = 'gpt-4-1106-preview';
export const ROUTELLM_WEAK = 'mistralai/Mixtral-8x7B-Instruct-v0.1';

/** Cost weights of the cost-aware trade-off curve. */
export const COST_WEIGHT_SWEEP = [0, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5, 1] as const;

export interface SuiteOptions {
  readonly dataDir: string;
  readonly folds?: number;
  readonly seed?: number;
  /** Extra fold seeds kNN is re-run with, to show how much the figures move (default [2, 3]). */
  readonly extraSeeds?: readonly number[];
  readonly kinds?: readonly QualityModelKind[];
  /** A progress reporter per run, e.g. a progress bar titled `label`. */
  readonly progress?: (label: string) => ProgressReporter;
}

/** One model kind's runs on one data set. A kind that failed to train says why. */
export interface KindRun<Result> {
  readonly kind: QualityModelKind;
  readonly seconds: number;
  readonly result?: Result;
  readonly error?: string;
}

export interface SingleModel {
  readonly name: string;
  readonly quality: number;
  /** Cost relative to the best single model. */
  readonly relativeCost?: number;
}

export interface LlmRouterRuns {
  readonly rules: readonly RuleEvaluation[];
  readonly costSweep: ReadonlyArray<{ readonly weight: number; readonly metrics: RoutingMetrics }>;
}

export interface LlmRouterSuite {
  readonly stats: DatasetStats;
  readonly queries: number;
  readonly candidates: readonly string[];
  readonly groups: number;
  readonly singles: readonly SingleModel[];
  readonly oracleQuality: number;
  readonly kinds: ReadonlyArray<KindRun<LlmRouterRuns>>;
  /** kNN's argmax and cost-aware metrics under other fold seeds. */
  readonly seedRuns: ReadonlyArray<{
    readonly seed: number;
    readonly rules: readonly RuleEvaluation[];
  }>;
}

export interface StrongWeakSuite {
  readonly name: string;
  readonly stats: DatasetStats;
  readonly queries: number;
  readonly kinds: ReadonlyArray<KindRun<StrongWeakReport>>;
}

export interface EvaluationSuite {
  readonly folds: number;
  readonly seed: number;
  readonly llmrouter: LlmRouterSuite;
  readonly mmlu: StrongWeakSuite;
  readonly gsm8k: StrongWeakSuite;
}

function timed<Result>(kind: QualityModelKind, run: () => Result): KindRun<Result> {
  const started = process.hrtime.bigint();
  const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const result = run();
    return { kind, seconds: seconds(), result };
  } catch (error) {
    return {
      kind,
      seconds: seconds(),
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/** Rules measured for every kind on the LLMRouter matrix (their default arguments). */
export const SUITE_RULES: readonly DecisionRuleName[] = [
  'argmax',
  'cost-aware',
  'hybrid',
  'smallest',
  'largest',
];

function llmrouterRuns(dataset: LoadedDataset, predicted: Float64Array): LlmRouterRuns {
  const { matrix } = dataset;
  const facts = factsForMatrix(matrix, dataset.prices);
  return {
    rules: SUITE_RULES.map((rule) => evaluateRule(matrix, predicted, rule, facts)),
    costSweep: COST_WEIGHT_SWEEP.map((weight) => ({
      weight,
      metrics: evaluateRule(matrix, predicted, 'cost-aware', facts, { cost_weight: weight })
        .metrics,
    })),
  };
}

function singleModels(dataset: LoadedDataset): SingleModel[] {
  const { matrix } = dataset;
  const means = candidateMeans(matrix);
  const m = matrix.candidates.length;
  const totals = matrix.candidates.map((_, c) => {
    let sum = 0;
    for (let q = 0; q < matrix.queries.length; q++) sum += matrix.costs?.[q * m + c] ?? NaN;
    return sum;
  });
  let best = 0;
  for (let c = 1; c < m; c++) if (means[c]! > means[best]!) best = c;
  return matrix.candidates.map((name, c) => ({
    name,
    quality: means[c]!,
    ...(Number.isFinite(totals[c]!) && { relativeCost: totals[c]! / totals[best]! }),
  }));
}

function runLlmRouter(options: SuiteOptions, kinds: readonly QualityModelKind[]): LlmRouterSuite {
  const dataset = loadDataset(join(options.dataDir, SUITE_DATA.llmrouterMatrix), {
    pricesPath: join(options.dataDir, SUITE_DATA.llmrouterPrices),
  });
  const { matrix } = dataset;
  const cv = (kind: QualityModelKind, seed: number): Float64Array =>
    crossValidateRouter(matrix, {
      kind,
      folds: options.folds,
      seed,
      progress: options.progress?.(
        `llmrouter ${kind}${seed === (options.seed ?? 1) ? '' : ` seed ${seed}`}`,
      ),
    }).predicted;
  const seed = options.seed ?? 1;
  const runs = kinds.map((kind) => timed(kind, () => llmrouterRuns(dataset, cv(kind, seed))));
  const facts = factsForMatrix(matrix, dataset.prices);
  const seedRuns = kinds.includes('knn')
    ? (options.extraSeeds ?? [2, 3]).map((extra) => {
        const predicted = cv('knn', extra);
        return {
          seed: extra,
          rules: (['argmax', 'cost-aware'] as const).map((rule) =>
            evaluateRule(matrix, predicted, rule, facts),
          ),
        };
      })
    : [];
  return {
    stats: dataset.stats,
    queries: matrix.queries.length,
    candidates: matrix.candidates,
    groups: new Set(matrix.groups).size,
    singles: singleModels(dataset),
    oracleQuality: oracleQuality(matrix),
    kinds: runs,
    seedRuns,
  };
}

function runStrongWeak(
  name: string,
  path: string,
  excludePath: string,
  options: SuiteOptions,
  kinds: readonly QualityModelKind[],
): StrongWeakSuite {
  const dataset = loadDataset(path, { excludePath });
  const { matrix } = dataset;
  const strong = matrix.candidates.indexOf(ROUTELLM_STRONG);
  const weak = matrix.candidates.indexOf(ROUTELLM_WEAK);
  if (strong === -1 || weak === -1)
    throw new RangeError(`${name}: the data lacks ${ROUTELLM_STRONG} or ${ROUTELLM_WEAK}`);
  const runs = kinds.map((kind) =>
    timed(kind, () => {
      const { predicted } = crossValidateRouter(matrix, {
        kind,
        folds: options.folds,
        seed: options.seed,
        progress: options.progress?.(`${name} ${kind}`),
      });
      return strongWeakReport(matrix, predicted, strong, weak);
    }),
  );
  return { name, stats: dataset.stats, queries: matrix.queries.length, kinds: runs };
}

/**
 * The published evaluation (`npm run eval:routing`): every model kind, 5-fold CV, on the
 * LLMRouter matrix (argmax, cost-aware, hybrid and baseline rules, a cost-weight sweep) and on
 * RouteLLM's MMLU and GSM8K pairs (threshold sweep, APGR, CPT). A kind that fails to train is
 * reported with its error, never skipped silently.
 * @throws Error naming the data files missing from `dataDir`, before any training.
 */
export function runEvaluationSuite(options: SuiteOptions): EvaluationSuite {
  const kinds = options.kinds ?? QUALITY_MODEL_KINDS;
  const dir = options.dataDir;
  // Minutes of training must not end on a missing file.
  const missing = Object.values(SUITE_DATA).filter((path) => !existsSync(join(dir, path)));
  if (missing.length > 0) throw new Error(`${dir} lacks ${missing.join(', ')}`);
  return {
    folds: options.folds ?? 5,
    seed: options.seed ?? 1,
    llmrouter: runLlmRouter(options, kinds),
    mmlu: runStrongWeak(
      'RouteLLM MMLU',
      join(dir, SUITE_DATA.mmluResponses),
      join(dir, SUITE_DATA.mmluContaminated),
      options,
      kinds,
    ),
    gsm8k: runStrongWeak(
      'RouteLLM GSM8K',
      join(dir, SUITE_DATA.gsm8kResponses),
      join(dir, SUITE_DATA.gsm8kContaminated),
      options,
      kinds,
    ),
  };
}
