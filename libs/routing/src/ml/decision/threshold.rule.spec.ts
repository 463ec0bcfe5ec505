import type { CandidateFacts } from '../ml.types';
import { strongWeakPair, thresholdRule } from './threshold.rule';

const q = (...values: number[]) => new Float64Array(values);
const unknown: CandidateFacts[] = [
  { costPer1k: undefined, size: undefined },
  { costPer1k: undefined, size: undefined },
];
const sized: CandidateFacts[] = [
  { costPer1k: 0.03, size: 1000 },
  { costPer1k: 0.0006, size: 45 },
];
const both = [true, true];

describe('thresholdRule', () => {
  it('routes strong iff q[strong] − q[weak] ≥ threshold', () => {
    expect(thresholdRule(q(0.9, 0.7), sized, both, { threshold: 0.2 })).toEqual({
      index: 0,
      reason: 'strong model: predicted gap 0.20 ≥ threshold 0.20',
    });
    expect(thresholdRule(q(0.9, 0.71), sized, both, { threshold: 0.2 })).toEqual({
      index: 1,
      reason: 'weak model: predicted gap 0.19 < threshold 0.20',
    });
    // Default threshold 0: strong whenever it is predicted at least as good.
    expect(thresholdRule(q(0.5, 0.5), sized, both, {}).index).toBe(0);
    expect(thresholdRule(q(0.5, 0.6), sized, both, {}).index).toBe(1);
  });

  it('takes strong and weak from the args, by index or by name', () => {
    expect(
      thresholdRule(q(0.1, 0.9), unknown, both, { strong: 1, weak: 0, threshold: 0.5 }).index,
    ).toBe(1);
    const names = { candidate_names: ['gpt-4', 'mixtral'], strong: 'mixtral', weak: 'gpt-4' };
    expect(thresholdRule(q(0.1, 0.9), unknown, both, { ...names, threshold: 0.9 }).index).toBe(0);
  });

  it('falls back to the one available side, else the best other candidate', () => {
    const three: CandidateFacts[] = [...sized, { costPer1k: 0.001, size: 70 }];
    expect(
      thresholdRule(q(0.9, 0.1, 0.5), three, [false, true, true], { strong: 0, weak: 1 }).reason,
    ).toBe('strong model unavailable: weak model');
    expect(
      thresholdRule(q(0.9, 0.1, 0.5), three, [true, false, true], {
        strong: 0,
        weak: 1,
        threshold: 5,
      }).index,
    ).toBe(0);
    expect(
      thresholdRule(q(0.9, 0.1, 0.5), three, [false, false, true], { strong: 0, weak: 1 }).index,
    ).toBe(2);
    expect(
      thresholdRule(q(0.9, 0.1, 0.5), three, [false, false, false], { strong: 0, weak: 1 }).index,
    ).toBe(-1);
  });

  it('refuses unknown strong/weak names, an unresolvable pair and a bad threshold', () => {
    expect(() => thresholdRule(q(0.5, 0.5), unknown, both, {})).toThrow(
      'llmrouter-threshold needs distinct strong and weak candidates',
    );
    expect(() =>
      thresholdRule(q(0.5, 0.5), sized, both, { strong: 'gpt-5', candidate_names: ['a', 'b'] }),
    ).toThrow('routing_strategy_args.strong is not one of the candidates');
    expect(() => thresholdRule(q(0.5, 0.5), sized, both, { strong: 2 })).toThrow(RangeError);
    expect(() => thresholdRule(q(0.5, 0.5), sized, both, { strong: 1, weak: 1 })).toThrow(
      RangeError,
    );
    expect(() => thresholdRule(q(0.5, 0.5), sized, both, { threshold: 'x' })).toThrow(RangeError);
  });
});

describe(strongWeakPair.name, () => {
  it('defaults to the largest and smallest candidate', () => {
    expect(strongWeakPair({}, sized, 2)).toEqual({ strong: 0, weak: 1 });
  });
});
