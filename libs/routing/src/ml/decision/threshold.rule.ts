import type { CandidateFacts, DecisionRule } from '../ml.types';
import { bestByQuality } from './argmax.rule';
import { choosable, extremeBySize, fmt, numberArg } from './rule-args';

/** Default `threshold` of `llmrouter-threshold` when neither the args nor the artifact set one. */
export const THRESHOLD_DEFAULT = 0;

/**
 * `strong`/`weak` args: a candidate index, or a name looked up in `candidate_names` (the
 * candidates' names in prediction order). Undefined when absent.
 * @throws RangeError when given but not resolvable.
 */
function candidateArg(
  args: Readonly<Record<string, unknown>>,
  name: 'strong' | 'weak',
  count: number,
): number | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < count)
    return value;
  const names = args.candidate_names;
  if (typeof value === 'string' && Array.isArray(names)) {
    const index = names.indexOf(value);
    if (index !== -1 && index < count) return index;
  }
  throw new RangeError(`routing_strategy_args.${name} is not one of the candidates`);
}

/**
 * The strong and weak candidates: from the args, else the largest and smallest by size (else cost)
 * among all candidates.
 * @throws RangeError when the args name no pair and the facts cannot tell the candidates apart.
 */
export function strongWeakPair(
  args: Readonly<Record<string, unknown>>,
  facts: readonly CandidateFacts[],
  count: number,
): { strong: number; weak: number } {
  const all = Array.from({ length: count }, (_, i) => i);
  const strong = candidateArg(args, 'strong', count) ?? extremeBySize(facts, all, true);
  const weak = candidateArg(args, 'weak', count) ?? extremeBySize(facts, all, false);
  const known = (i: number): boolean =>
    facts[i]?.size !== undefined || facts[i]?.costPer1k !== undefined;
  if (
    strong === weak ||
    (args.strong === undefined && !known(strong)) ||
    (args.weak === undefined && !known(weak))
  ) {
    throw new RangeError('llmrouter-threshold needs distinct strong and weak candidates');
  }
  return { strong, weak };
}

/**
 * `llmrouter-threshold` (RouteLLM style): the strong candidate iff its predicted quality exceeds
 * the weak one's by at least `threshold` (`routeiq calibrate --strong-pct` sets it). When only one
 * of the pair is available it is chosen; when neither is, the best other available candidate.
 */
export const thresholdRule: DecisionRule = (predicted, facts, available, args) => {
  const threshold = numberArg(args, 'threshold', THRESHOLD_DEFAULT);
  const { strong, weak } = strongWeakPair(args, facts, Math.max(predicted.length, facts.length));
  const open = choosable(predicted, available);
  const strongOpen = open.includes(strong);
  const weakOpen = open.includes(weak);
  if (strongOpen && weakOpen) {
    const gap = predicted[strong]! - predicted[weak]!;
    return gap >= threshold
      ? {
          index: strong,
          reason: `strong model: predicted gap ${fmt(gap)} ≥ threshold ${fmt(threshold)}`,
        }
      : {
          index: weak,
          reason: `weak model: predicted gap ${fmt(gap)} < threshold ${fmt(threshold)}`,
        };
  }
  if (strongOpen) return { index: strong, reason: 'weak model unavailable: strong model' };
  if (weakOpen) return { index: weak, reason: 'strong model unavailable: weak model' };
  const index = bestByQuality(predicted, facts, open);
  return index === -1
    ? { index, reason: 'no candidate available' }
    : { index, reason: 'strong and weak models unavailable: highest predicted quality' };
};
