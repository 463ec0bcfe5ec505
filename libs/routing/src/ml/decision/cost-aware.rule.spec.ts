import type { CandidateFacts } from '../ml.types';
import { costAwareRule } from './cost-aware.rule';

const facts = (...costs: (number | undefined)[]): CandidateFacts[] =>
  costs.map((costPer1k) => ({ costPer1k, size: undefined }));
const q = (...values: number[]) => new Float64Array(values);
const all = (n: number) => Array<boolean>(n).fill(true);

describe('costAwareRule', () => {
  // cheap (0.1), mid (0.5), dear (1.0): normalised costs 0.1, 0.5, 1.
  const three = facts(0.1, 0.5, 1);

  it('maximises quality − cost_weight × normalised cost', () => {
    const predicted = q(0.6, 0.75, 0.9);
    expect(costAwareRule(predicted, three, all(3), { cost_weight: 0 }).index).toBe(2);
    // 0.6 − 0.05 = 0.55, 0.75 − 0.25 = 0.5, 0.9 − 0.5 = 0.4
    const chosen = costAwareRule(predicted, three, all(3), { cost_weight: 0.5 });
    expect(chosen).toEqual({
      index: 0,
      reason: 'best quality-cost trade-off: quality 0.60, normalised cost 0.10',
    });
    // 0.6 − 0.01, 0.75 − 0.05, 0.9 − 0.1
    expect(costAwareRule(predicted, three, all(3), { cost_weight: '0.1' }).index).toBe(2);
  });

  it('prefers candidates reaching quality_threshold, and falls back to all when none does', () => {
    const predicted = q(0.6, 0.75, 0.9);
    expect(
      costAwareRule(predicted, three, all(3), { cost_weight: 0.5, quality_threshold: 0.7 }).index,
    ).toBe(1);
    const none = costAwareRule(predicted, three, all(3), {
      cost_weight: 0.5,
      quality_threshold: 0.95,
    });
    expect(none.index).toBe(0);
    expect(none.reason).toContain('none reaches quality_threshold');
  });

  it('never exceeds max_cost_per_1k_tokens, nor picks unknown costs under a cap', () => {
    const predicted = q(0.1, 0.75, 0.9, 1);
    const withUnknown = [...three, { costPer1k: undefined, size: undefined }];
    expect(
      costAwareRule(predicted, withUnknown, all(4), { cost_weight: 0, max_cost_per_1k_tokens: 0.5 })
        .index,
    ).toBe(1);
    // Without a cap an unknown cost counts as the priciest.
    expect(
      costAwareRule(q(0.5, 0.5, 0.5, 0.55), withUnknown, all(4), { cost_weight: 0.1 }).index,
    ).toBe(0);
  });

  it('takes the cheapest available when nothing is under the cap, -1 when nothing is available', () => {
    const over = costAwareRule(q(0.1, 0.9, 0.9), three, [false, true, true], {
      max_cost_per_1k_tokens: 0.05,
    });
    expect(over).toEqual({
      index: 1,
      reason: 'none within max_cost_per_1k_tokens: cheapest available',
    });
    expect(costAwareRule(q(0.5, 0.5, 0.5), three, [false, false, false], {}).index).toBe(-1);
  });

  it('skips unavailable candidates and NaN predictions, and ties go to the cheaper', () => {
    expect(costAwareRule(q(0.9, 0.5, NaN), three, [false, true, true], {}).index).toBe(1);
    expect(costAwareRule(q(0.5, 0.5), facts(0, 0), all(2), {}).index).toBe(0);
    expect(costAwareRule(q(0.5, 0.5), facts(0.2, 0.1), all(2), { cost_weight: 0 }).index).toBe(1);
  });

  it('refuses malformed args', () => {
    expect(() => costAwareRule(q(0.5), facts(1), all(1), { cost_weight: -1 })).toThrow(
      'routing_strategy_args.cost_weight must be a number ≥ 0',
    );
    expect(() => costAwareRule(q(0.5), facts(1), all(1), { quality_threshold: 'high' })).toThrow(
      RangeError,
    );
    expect(() => costAwareRule(q(0.5), facts(1), all(1), { max_cost_per_1k_tokens: [1] })).toThrow(
      RangeError,
    );
  });
});
