import type { DecisionRuleName } from '../decision/decision-rules';
import type { QualityModelKind } from '../ml.types';
import type {
  EvaluationSuite,
  KindRun,
  LlmRouterRuns,
  StrongWeakSuite,
} from './evaluation-suite.runner';
import type { RoutingMetrics } from './routing-metrics';

/** One of issue #9's evaluation targets, measured. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean;
}

/** Issue #9's thresholds. "Points" are percentage points of the share of the oracle. */
export const TARGETS = {
  knnOracleShare: 0.8,
  costAwareBestShare: 0.99,
  costAwareCostShare: 0.4,
  kindPointsBehindKnn: 1.5,
  apgrMmlu: 0.6,
  apgrGsm8k: 0.55,
} as const;

const pct = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

function ruleMetrics(
  runs: ReadonlyArray<KindRun<LlmRouterRuns>>,
  kind: QualityModelKind,
  rule: DecisionRuleName,
): RoutingMetrics | string {
  const run = runs.find((candidate) => candidate.kind === kind);
  if (!run) return `${kind} was not run`;
  if (!run.result) return `${kind} failed: ${run.error ?? 'unknown error'}`;
  return (
    run.result.rules.find((evaluation) => evaluation.rule === rule)?.metrics ??
    `${rule} was not run`
  );
}

function apgrCheck(suite: StrongWeakSuite, minimum: number): TargetCheck {
  const target = `threshold kNN APGR ≥ ${minimum.toFixed(2)} on ${suite.name}`;
  const run = suite.kinds.find((candidate) => candidate.kind === 'knn');
  if (!run?.result) return { target, measured: run?.error ?? 'kNN was not run', pass: false };
  return { target, measured: run.result.apgr.toFixed(3), pass: run.result.apgr >= minimum };
}

function knnCheck(knn: RoutingMetrics | string): TargetCheck {
  const target = `kNN ≥ ${pct(TARGETS.knnOracleShare)} of oracle`;
  if (typeof knn === 'string') return { target, measured: knn, pass: false };
  return {
    target,
    measured: pct(knn.fractionOfOracle),
    pass: knn.fractionOfOracle >= TARGETS.knnOracleShare,
  };
}

function costAwareCheck(metrics: RoutingMetrics | string): TargetCheck {
  const target = `cost-aware kNN ≥ ${pct(TARGETS.costAwareBestShare)} of best-single quality at ≤ ${pct(TARGETS.costAwareCostShare)} of its cost`;
  if (typeof metrics === 'string') return { target, measured: metrics, pass: false };
  const cost = metrics.costVsBestSingle;
  if (cost === undefined) return { target, measured: 'cost unknown', pass: false };
  return {
    target,
    measured: `${pct(metrics.fractionOfBestSingle)} quality at ${pct(cost)} cost`,
    pass:
      metrics.fractionOfBestSingle >= TARGETS.costAwareBestShare &&
      cost <= TARGETS.costAwareCostShare,
  };
}

function behindKnnCheck(
  kind: string,
  metrics: RoutingMetrics | string,
  knn: RoutingMetrics | string,
): TargetCheck {
  const target = `${kind.toUpperCase()} within ${TARGETS.kindPointsBehindKnn} points of kNN (% of oracle)`;
  if (typeof metrics === 'string') return { target, measured: metrics, pass: false };
  if (typeof knn === 'string') return { target, measured: 'kNN did not run', pass: false };
  const behind = (knn.fractionOfOracle - metrics.fractionOfOracle) * 100;
  const gap =
    behind >= 0 ? `${behind.toFixed(2)} points behind` : `${(-behind).toFixed(2)} points ahead`;
  return {
    target,
    measured: `${pct(metrics.fractionOfOracle)} (${gap})`,
    pass: behind <= TARGETS.kindPointsBehindKnn,
  };
}

/** Checks every target; a run that failed or did not happen fails its target. */
export function checkTargets(suite: EvaluationSuite): TargetCheck[] {
  const runs = suite.llmrouter.kinds;
  const knn = ruleMetrics(runs, 'knn', 'argmax');
  return [
    knnCheck(knn),
    costAwareCheck(ruleMetrics(runs, 'knn', 'cost-aware')),
    ...(['mlp', 'svm', 'mf'] as const).map((kind) =>
      behindKnnCheck(kind, ruleMetrics(runs, kind, 'argmax'), knn),
    ),
    apgrCheck(suite.mmlu, TARGETS.apgrMmlu),
    apgrCheck(suite.gsm8k, TARGETS.apgrGsm8k),
  ];
}
