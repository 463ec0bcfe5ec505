import type { DecisionRule } from '../ml.types';
import { argmaxRule } from './argmax.rule';
import { costAwareRule } from './cost-aware.rule';
import { hybridRule } from './hybrid.rule';
import { largestRule, smallestRule } from './size.rule';
import { thresholdRule } from './threshold.rule';

/** Decision rules by short name (`routeiq eval --rule`). */
export const DECISION_RULES = {
  argmax: argmaxRule,
  'cost-aware': costAwareRule,
  hybrid: hybridRule,
  threshold: thresholdRule,
  smallest: smallestRule,
  largest: largestRule,
} as const satisfies Readonly<Record<string, DecisionRule>>;

export type DecisionRuleName = keyof typeof DECISION_RULES;

export const DECISION_RULE_NAMES = Object.keys(DECISION_RULES) as DecisionRuleName[];

export function isDecisionRuleName(name: string): name is DecisionRuleName {
  return Object.prototype.hasOwnProperty.call(DECISION_RULES, name);
}

/** Strategies whose model is chosen by argmax over its predictions. */
const ARGMAX_STRATEGIES = [
  'llmrouter-knn',
  'llmrouter-mlp',
  'llmrouter-svm',
  'llmrouter-mf',
  'llmrouter-elo',
];

/** Strategies that need no quality model at all. */
export const MODEL_FREE_STRATEGIES: readonly string[] = ['llmrouter-smallest', 'llmrouter-largest'];

/**
 * The decision rule of an `llmrouter-*` strategy name. `llmrouter-custom` has none: its module
 * decides.
 * @throws RangeError for any other name.
 */
export function decisionRuleFor(strategyName: string): DecisionRule {
  if (ARGMAX_STRATEGIES.includes(strategyName)) return argmaxRule;
  const short = strategyName.startsWith('llmrouter-')
    ? strategyName.slice('llmrouter-'.length)
    : '';
  if (short !== 'argmax' && isDecisionRuleName(short)) return DECISION_RULES[short];
  throw new RangeError(`${strategyName} is not a strategy with a built-in decision rule`);
}
