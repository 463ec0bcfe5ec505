import type { CandidateFacts, DecisionRule } from '../ml.types';
import { cheaper, choosable, fmt, QUALITY_TIE } from './rule-args';

/** The best of `indices` by predicted quality; ties (within `QUALITY_TIE`) go to the cheaper. */
export function bestByQuality(
  predicted: Float64Array,
  facts: readonly CandidateFacts[],
  indices: readonly number[],
): number {
  let best = -1;
  for (const i of indices) {
    if (best === -1) best = i;
    else {
      const delta = predicted[i]! - predicted[best]!;
      if (delta > QUALITY_TIE || (delta >= -QUALITY_TIE && cheaper(facts, i, best))) best = i;
    }
  }
  return best;
}

/** `llmrouter-knn|mlp|svm|mf|elo`: the highest predicted quality; ties go to the cheaper. */
export const argmaxRule: DecisionRule = (predicted, facts, available) => {
  const best = bestByQuality(predicted, facts, choosable(predicted, available));
  if (best === -1) return { index: -1, reason: 'no candidate available' };
  return { index: best, reason: `highest predicted quality ${fmt(predicted[best]!)}` };
};
