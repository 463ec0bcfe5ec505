import type { DecisionRule } from '../ml.types';
import { choosable, extremeBySize, fmt, numberArg } from './rule-args';

/** Default `quality_gap` of `llmrouter-hybrid`. */
export const HYBRID_DEFAULT_QUALITY_GAP = 0.1;

/**
 * `llmrouter-hybrid`: the smallest available candidate (by size, else cost) unless the largest is
 * predicted better by more than `quality_gap`.
 */
export const hybridRule: DecisionRule = (predicted, facts, available, args) => {
  const gapNeeded = numberArg(args, 'quality_gap', HYBRID_DEFAULT_QUALITY_GAP);
  const open = choosable(predicted, available);
  const small = extremeBySize(facts, open, false);
  const large = extremeBySize(facts, open, true);
  if (small === -1) return { index: -1, reason: 'no candidate available' };
  if (small === large) return { index: small, reason: 'one candidate available' };
  const gap = predicted[large]! - predicted[small]!;
  return gap > gapNeeded
    ? { index: large, reason: `large model: predicted gap ${fmt(gap)} > ${fmt(gapNeeded)}` }
    : { index: small, reason: `small model: predicted gap ${fmt(gap)} ≤ ${fmt(gapNeeded)}` };
};
