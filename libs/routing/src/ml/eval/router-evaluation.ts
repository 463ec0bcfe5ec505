import { HashedTfidfFeaturizer } from '../featurizer/hashed-tfidf.featurizer';
import { HASHED_TFIDF_DEFAULTS, type HashedTfidfOptions } from '../featurizer/hashed-tfidf.options';
import { DECISION_RULES, type DecisionRuleName } from '../decision/decision-rules';
import { extremeBySize } from '../decision/rule-args';
import type { CandidateFacts, ProgressReporter, QualityModelKind, ScoreMatrix } from '../ml.types';
import { trainerFor } from '../models/quality-model.registry';
import { crossValidate, type CrossValidationResult } from './cross-validation';
import { decideAll, routingMetrics, type RoutingMetrics } from './routing-metrics';
import { candidateMeans } from './score-matrix.subset';
import { strongWeakReport, type StrongWeakReport } from './strong-weak.metrics';
import { calibrateThreshold } from './threshold.calibration';

/** What `crossValidateRouter` trains: the built-in featurizer and a model kind. */
export interface RouterTrainingSpec {
  readonly kind: QualityModelKind;
  readonly folds?: number;
  readonly seed?: number;
  readonly trainerOptions?: Readonly<Record<string, unknown>>;
  readonly featurizerOptions?: Partial<HashedTfidfOptions>;
  readonly progress?: ProgressReporter;
}

/**
 * Featurizer options from a command line, checked by name (the featurizer itself checks values
 * but ignores names it does not know, so a misspelt option would silently do nothing).
 * @throws RangeError naming an unknown option.
 */
export function featurizerOptionsOf(
  options: Readonly<Record<string, unknown>>,
): Partial<HashedTfidfOptions> {
  for (const key of Object.keys(options)) {
    if (!Object.prototype.hasOwnProperty.call(HASHED_TFIDF_DEFAULTS, key)) {
      throw new RangeError(
        `unknown featurizer option "${key}" (known: ${Object.keys(HASHED_TFIDF_DEFAULTS).join(', ')})`,
      );
    }
  }
  return options;
}

/** k-fold CV of the built-in featurizer plus a `kind` model (stratified by group when known). */
export function crossValidateRouter(
  matrix: ScoreMatrix,
  spec: RouterTrainingSpec,
): CrossValidationResult {
  return crossValidate(matrix, {
    folds: spec.folds,
    seed: spec.seed,
    fitFeaturizer: (texts) => HashedTfidfFeaturizer.fit(texts, spec.featurizerOptions),
    trainer: trainerFor(spec.kind),
    trainerOptions: spec.trainerOptions,
    progress: spec.progress,
  });
}

/**
 * The strong/weak pair a threshold router compares when none is named: the candidate with the
 * best mean score, and the smallest (by size, else cost) other candidate; with no size or cost
 * known, the other candidate of a pair. Undefined when that cannot be decided.
 */
export function defaultStrongWeak(
  matrix: ScoreMatrix,
  facts: readonly CandidateFacts[],
): { strong: number; weak: number } | undefined {
  const means = candidateMeans(matrix);
  let strong = 0;
  for (let c = 1; c < means.length; c++) if (means[c]! > means[strong]!) strong = c;
  const others = matrix.candidates.map((_, c) => c).filter((c) => c !== strong);
  const known = others.some(
    (c) => facts[c]?.size !== undefined || facts[c]?.costPer1k !== undefined,
  );
  if (known) return { strong, weak: extremeBySize(facts, others, false) };
  return others.length === 1 ? { strong, weak: others[0]! } : undefined;
}

/** A decision rule's result on out-of-fold predictions. */
export interface RuleEvaluation {
  readonly rule: DecisionRuleName;
  readonly args: Readonly<Record<string, unknown>>;
  readonly metrics: RoutingMetrics;
}

/** Applies one rule to every query's out-of-fold predictions and measures the choices. */
export function evaluateRule(
  matrix: ScoreMatrix,
  predicted: Float64Array,
  rule: DecisionRuleName,
  facts: readonly CandidateFacts[],
  args: Readonly<Record<string, unknown>> = {},
): RuleEvaluation {
  const choices = decideAll(matrix, predicted, DECISION_RULES[rule], facts, args);
  return { rule, args, metrics: routingMetrics(matrix, choices) };
}

/** Strong-win scores q̂[strong] − q̂[weak] of every query. */
export function strongWinScores(
  matrix: ScoreMatrix,
  predicted: Float64Array,
  strong: number,
  weak: number,
): Float64Array {
  const m = matrix.candidates.length;
  return Float64Array.from(
    { length: matrix.queries.length },
    (_, q) => predicted[q * m + strong]! - predicted[q * m + weak]!,
  );
}

/** Everything `routeiq eval` reports about one router and rule. */
export interface RouterEvaluation {
  readonly kind: QualityModelKind;
  readonly folds: number;
  readonly seed: number;
  readonly rule: RuleEvaluation;
  /** The strong/weak sweep, APGR and CPT: for the threshold rule, a named pair, or 2 candidates. */
  readonly strongWeak?: StrongWeakReport;
}

export interface RouterEvaluationOptions extends RouterTrainingSpec {
  readonly rule: DecisionRuleName;
  readonly ruleArgs?: Readonly<Record<string, unknown>>;
  readonly facts: readonly CandidateFacts[];
  /** Strong/weak pair (candidate indices); default `defaultStrongWeak`. */
  readonly pair?: { readonly strong: number; readonly weak: number };
  /**
   * Threshold rule without a `threshold` arg: the threshold sending this share (0–100) of the
   * queries strong, from the out-of-fold scores (the operating point RouteLLM's sweep varies).
   * Default 50.
   */
  readonly strongPct?: number;
}

/** The rule's arguments: the given ones, plus the strong/weak pair for the threshold rule. */
function ruleArgsOf(
  matrix: ScoreMatrix,
  options: RouterEvaluationOptions,
  pair: { strong: number; weak: number } | undefined,
): Record<string, unknown> {
  if (options.rule !== 'threshold') return { ...options.ruleArgs };
  if (!pair) throw new RangeError('the threshold rule needs --strong and --weak candidates');
  return {
    strong: matrix.candidates[pair.strong],
    weak: matrix.candidates[pair.weak],
    candidate_names: matrix.candidates,
    ...options.ruleArgs,
  };
}

/**
 * Cross-validates a router and measures one rule on its out-of-fold predictions. The rule runs
 * once on neutral predictions first, so bad arguments fail before minutes of training.
 */
export function evaluateRouter(
  matrix: ScoreMatrix,
  options: RouterEvaluationOptions,
): RouterEvaluation {
  const pair = options.pair ?? defaultStrongWeak(matrix, options.facts);
  const args = ruleArgsOf(matrix, options, pair);
  const m = matrix.candidates.length;
  DECISION_RULES[options.rule](
    new Float64Array(m).fill(0.5),
    options.facts,
    new Array<boolean>(m).fill(true),
    args,
  );
  const cv = crossValidateRouter(matrix, options);
  if (options.rule === 'threshold' && args.threshold === undefined) {
    args.threshold = calibrateThreshold(
      strongWinScores(matrix, cv.predicted, pair!.strong, pair!.weak),
      options.strongPct ?? 50,
    );
  }
  // A strong/weak sweep means something for a pair, or when asked for; not for 9 arbitrary models.
  const showPair =
    options.rule === 'threshold' || options.pair !== undefined || matrix.candidates.length === 2;
  return {
    kind: options.kind,
    folds: options.folds ?? 5,
    seed: options.seed ?? 1,
    rule: evaluateRule(matrix, cv.predicted, options.rule, options.facts, args),
    ...(pair &&
      showPair && { strongWeak: strongWeakReport(matrix, cv.predicted, pair.strong, pair.weak) }),
  };
}
