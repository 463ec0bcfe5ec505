import { argmaxRule } from './argmax.rule';
import { costAwareRule } from './cost-aware.rule';
import { DECISION_RULE_NAMES, decisionRuleFor, isDecisionRuleName } from './decision-rules';
import { hybridRule } from './hybrid.rule';
import { largestRule, smallestRule } from './size.rule';
import { thresholdRule } from './threshold.rule';

describe(decisionRuleFor.name, () => {
  it('maps every llmrouter-* strategy with a built-in rule', () => {
    for (const kind of ['knn', 'mlp', 'svm', 'mf', 'elo']) {
      expect(decisionRuleFor(`llmrouter-${kind}`)).toBe(argmaxRule);
    }
    expect(decisionRuleFor('llmrouter-cost-aware')).toBe(costAwareRule);
    expect(decisionRuleFor('llmrouter-hybrid')).toBe(hybridRule);
    expect(decisionRuleFor('llmrouter-threshold')).toBe(thresholdRule);
    expect(decisionRuleFor('llmrouter-smallest')).toBe(smallestRule);
    expect(decisionRuleFor('llmrouter-largest')).toBe(largestRule);
  });

  it('refuses custom, unknown and prototype names', () => {
    for (const name of [
      'llmrouter-custom',
      'llmrouter-argmax',
      'cost-aware',
      'llmrouter-toString',
      '',
    ]) {
      expect(() => decisionRuleFor(name)).toThrow(RangeError);
    }
  });

  it('lists the rule names for the CLI', () => {
    expect(DECISION_RULE_NAMES).toEqual([
      'argmax',
      'cost-aware',
      'hybrid',
      'threshold',
      'smallest',
      'largest',
    ]);
    expect(isDecisionRuleName('constructor')).toBe(false);
  });
});
