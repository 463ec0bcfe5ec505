import type { CandidateFacts, DecisionRule } from '../ml.types';
import { cheaper, choosable, fmt, numberArg, QUALITY_TIE } from './rule-args';

/** Defaults of `llmrouter-cost-aware` (`routing_strategy_args` override them). */
export const COST_AWARE_DEFAULTS = {
  /** Quality points given up per unit of normalised cost (the priciest eligible candidate = 1). */
  cost_weight: 0.1,
  /** Candidates predicted below this are chosen only when none reaches it. */
  quality_threshold: 0,
  /** USD per 1k tokens; candidates above it (or of unknown cost, when set) are never chosen. */
  max_cost_per_1k_tokens: Infinity,
} as const;

function cheapest(facts: readonly CandidateFacts[], indices: readonly number[]): number {
  let best = -1;
  for (const i of indices) if (best === -1 || cheaper(facts, i, best)) best = i;
  return best;
}

/**
 * `llmrouter-cost-aware`: among available candidates costing at most `max_cost_per_1k_tokens`,
 * maximises predicted quality − `cost_weight` × cost / (highest eligible cost). A candidate of
 * unknown cost counts as the priciest. Only when no eligible candidate is predicted to reach
 * `quality_threshold` are those below it considered. When none is within the cost cap, the
 * cheapest available candidate is chosen: the cap is a budget, not a reason to fail the request.
 */
export const costAwareRule: DecisionRule = (predicted, facts, available, args) => {
  const weight = numberArg(args, 'cost_weight', COST_AWARE_DEFAULTS.cost_weight, 0);
  const floor = numberArg(args, 'quality_threshold', COST_AWARE_DEFAULTS.quality_threshold);
  const cap = numberArg(
    args,
    'max_cost_per_1k_tokens',
    COST_AWARE_DEFAULTS.max_cost_per_1k_tokens,
    0,
  );
  const open = choosable(predicted, available);
  const eligible = open.filter((i) => {
    const cost = facts[i]?.costPer1k;
    return cap === Infinity || (cost !== undefined && cost <= cap);
  });
  if (eligible.length === 0) {
    const index = cheapest(facts, open);
    return index === -1
      ? { index, reason: 'no candidate available' }
      : { index, reason: 'none within max_cost_per_1k_tokens: cheapest available' };
  }
  const reaching = eligible.filter((i) => predicted[i]! >= floor);
  const { index, normalisedCost } = bestTradeOff(
    predicted,
    facts,
    reaching.length > 0 ? reaching : eligible,
    eligible,
    weight,
  );
  const below = reaching.length === 0 ? ', none reaches quality_threshold' : '';
  return {
    index,
    reason: `best quality-cost trade-off: quality ${fmt(predicted[index]!)}, normalised cost ${fmt(normalisedCost)}${below}`,
  };
};

/** The best of `pool` by quality − weight × cost / (highest cost among `eligible`). */
function bestTradeOff(
  predicted: Float64Array,
  facts: readonly CandidateFacts[],
  pool: readonly number[],
  eligible: readonly number[],
  weight: number,
): { index: number; normalisedCost: number } {
  let maxCost = 0;
  for (const i of eligible) maxCost = Math.max(maxCost, facts[i]?.costPer1k ?? 0);
  const normalised = (i: number): number => {
    const cost = facts[i]?.costPer1k;
    return cost === undefined ? 1 : maxCost > 0 ? cost / maxCost : 0;
  };
  let best = -1;
  let bestValue = -Infinity;
  for (const i of pool) {
    const value = predicted[i]! - weight * normalised(i);
    if (
      value > bestValue + QUALITY_TIE ||
      (value >= bestValue - QUALITY_TIE && cheaper(facts, i, best))
    ) {
      best = i;
      bestValue = value;
    }
  }
  return { index: best, normalisedCost: normalised(best) };
}
