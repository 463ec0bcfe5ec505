import type { EvaluationSuite, StrongWeakSuite } from './evaluation-suite.runner';
import { pgrVsStrongSvg, qualityVsCostSvg } from './evaluation.charts';

/** The LLMRouter quality-vs-cost plot: single models, each router's argmax and cost-aware, kNN's cost-weight curve. */
export function suiteQualityCostSvg(suite: EvaluationSuite): string {
  const s = suite.llmrouter;
  const routers = s.kinds.flatMap((run) => {
    const points = (run.result?.rules ?? []).flatMap(({ rule, metrics }) =>
      (rule === 'argmax' || rule === 'cost-aware') && metrics.costVsBestSingle !== undefined
        ? [{ name: rule, relativeCost: metrics.costVsBestSingle, quality: metrics.meanQuality }]
        : [],
    );
    return points.length > 0 ? [{ name: `${run.kind}: argmax, cost-aware`, points }] : [];
  });
  const knn = s.kinds.find((run) => run.kind === 'knn')?.result;
  const curve = (knn?.costSweep ?? []).flatMap(({ weight, metrics }) =>
    metrics.costVsBestSingle === undefined
      ? []
      : [
          {
            name: `w=${weight}`,
            relativeCost: metrics.costVsBestSingle,
            quality: metrics.meanQuality,
          },
        ],
  );
  return qualityVsCostSvg({
    title: `LLMRouter matrix: quality vs cost (${suite.folds}-fold CV)`,
    singles: s.singles.flatMap((single) =>
      single.relativeCost === undefined
        ? []
        : [{ name: single.name, relativeCost: single.relativeCost, quality: single.quality }],
    ),
    routers,
    curves: [{ name: 'knn, cost_weight 0 to 1', points: curve }],
    oracleQuality: s.oracleQuality,
  });
}

/** PGR vs share of strong calls for every router that ran on one RouteLLM data set. */
export function suitePgrSvg(suite: StrongWeakSuite, folds: number): string {
  return pgrVsStrongSvg(
    `${suite.name}: threshold routers (${folds}-fold CV)`,
    suite.kinds.flatMap((run) =>
      run.result
        ? [{ name: `${run.kind} (APGR ${run.result.apgr.toFixed(2)})`, points: run.result.points }]
        : [],
    ),
  );
}
