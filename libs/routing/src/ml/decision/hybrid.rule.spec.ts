import type { CandidateFacts } from '../ml.types';
import { hybridRule } from './hybrid.rule';

const q = (...values: number[]) => new Float64Array(values);
// sizes 8B, 70B, 49B; costs follow.
const facts: CandidateFacts[] = [
  { costPer1k: 0.0002, size: 8 },
  { costPer1k: 0.0009, size: 70 },
  { costPer1k: 0.0009, size: 49 },
];
const all = [true, true, true];

describe('hybridRule', () => {
  it('keeps the small model unless the large one is predicted better by more than quality_gap', () => {
    expect(hybridRule(q(0.6, 0.65, 0.9), facts, all, {})).toEqual({
      index: 0,
      reason: 'small model: predicted gap 0.05 ≤ 0.10',
    });
    expect(hybridRule(q(0.5, 0.65, 0.1), facts, all, {})).toEqual({
      index: 1,
      reason: 'large model: predicted gap 0.15 > 0.10',
    });
    expect(hybridRule(q(0.6, 0.65, 0.9), facts, all, { quality_gap: 0.01 }).index).toBe(1);
  });

  it('pairs the smallest and largest of the available candidates', () => {
    expect(hybridRule(q(0.1, 0.9, 0.5), facts, [true, false, true], {}).index).toBe(2);
    expect(hybridRule(q(0.1, 0.9, 0.5), facts, [false, false, true], {})).toEqual({
      index: 2,
      reason: 'one candidate available',
    });
    expect(hybridRule(q(0.1, 0.9, 0.5), facts, [false, false, false], {}).index).toBe(-1);
  });

  it('orders by cost when sizes are unknown', () => {
    const byCost: CandidateFacts[] = [
      { costPer1k: 0.01, size: undefined },
      { costPer1k: 0.001, size: undefined },
    ];
    expect(hybridRule(q(0.9, 0.1), byCost, [true, true], {}).index).toBe(0);
    expect(hybridRule(q(0.15, 0.1), byCost, [true, true], {}).index).toBe(1);
  });

  it('refuses a non-numeric quality_gap', () => {
    expect(() => hybridRule(q(0.1, 0.2, 0.3), facts, all, { quality_gap: 'big' })).toThrow(
      RangeError,
    );
  });
});
