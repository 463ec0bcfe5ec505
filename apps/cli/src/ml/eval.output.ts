import type { RouterEvaluation, RoutingMetrics, StrongWeakReport } from '@routeiq/routing';

const pct = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;
const num = (value: number): string => value.toFixed(4);

function shareLine(metrics: RoutingMetrics): string {
  return Object.entries(metrics.shares)
    .filter(([, share]) => share > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, share]) => `${name} ${pct(share)}`)
    .join(', ');
}

function strongWeakLines(report: StrongWeakReport): string[] {
  const cpt = (value: number | undefined): string => (value === undefined ? 'never' : pct(value));
  return [
    `strong/weak       ${report.strong} (${num(report.strongQuality)}) vs ${report.weak} (${num(report.weakQuality)})`,
    `APGR              ${num(report.apgr)}`,
    `CPT(50%)          ${cpt(report.cpt50)} strong calls`,
    `CPT(80%)          ${cpt(report.cpt80)} strong calls`,
    `sweep             ${report.points.map((p) => `${pct(p.strongShare)}:${num(p.quality)}`).join(' ')}`,
  ];
}

/** The human-readable report of `routeiq eval`. */
export function evaluationLines(evaluation: RouterEvaluation): string[] {
  const { metrics, args, rule } = evaluation.rule;
  const shownArgs = Object.entries(args)
    .filter(([key]) => key !== 'candidate_names')
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'number' ? Number(value.toPrecision(6)) : String(value)}`,
    );
  const best = metrics.bestSingle;
  const lines = [
    `router            ${evaluation.kind}, ${evaluation.folds}-fold CV (seed ${evaluation.seed}), rule ${rule}${shownArgs.length ? ` (${shownArgs.join(', ')})` : ''}`,
    `mean quality      ${num(metrics.meanQuality)}`,
    `% of oracle       ${pct(metrics.fractionOfOracle)} (oracle ${num(metrics.oracleQuality)})`,
    `% of best single  ${pct(metrics.fractionOfBestSingle)} (${best.candidate} ${num(best.quality)})`,
  ];
  if (metrics.cost !== undefined && metrics.costVsBestSingle !== undefined) {
    lines.push(
      `cost              $${metrics.cost.toFixed(4)} = ${pct(metrics.costVsBestSingle)} of the best single model's $${best.cost!.toFixed(4)}`,
    );
  } else {
    lines.push('cost              unknown (give --prices, or data with costs)');
  }
  lines.push(`choices           ${shareLine(metrics)}`);
  if (evaluation.strongWeak) lines.push(...strongWeakLines(evaluation.strongWeak));
  return lines;
}
