import type { CandidateFacts } from '../ml.types';
import { argmaxRule } from './argmax.rule';

const facts = (...costs: (number | undefined)[]): CandidateFacts[] =>
  costs.map((costPer1k) => ({ costPer1k, size: undefined }));
const q = (...values: number[]) => new Float64Array(values);
const all = (n: number) => Array<boolean>(n).fill(true);

describe('argmaxRule', () => {
  it('chooses the highest predicted quality among available candidates', () => {
    expect(argmaxRule(q(0.2, 0.9, 0.5), facts(1, 1, 1), all(3), {})).toEqual({
      index: 1,
      reason: 'highest predicted quality 0.90',
    });
    expect(argmaxRule(q(0.2, 0.9, 0.5), facts(1, 1, 1), [true, false, true], {}).index).toBe(2);
  });

  it('breaks ties by cost, then known cost, then size, then index', () => {
    expect(argmaxRule(q(0.5, 0.5, 0.4), facts(0.9, 0.2, 0.1), all(3), {}).index).toBe(1);
    expect(argmaxRule(q(0.5, 0.5 + 1e-12), facts(undefined, 0.3), all(2), {}).index).toBe(1);
    const sized: CandidateFacts[] = [
      { costPer1k: 1, size: 70 },
      { costPer1k: 1, size: 8 },
    ];
    expect(argmaxRule(q(0.5, 0.5), sized, all(2), {}).index).toBe(1);
    expect(argmaxRule(q(0.5, 0.5), facts(undefined, undefined), all(2), {}).index).toBe(0);
  });

  it('never chooses an unavailable candidate or a NaN prediction; -1 when none is left', () => {
    expect(argmaxRule(q(NaN, 0.1), facts(1, 1), all(2), {}).index).toBe(1);
    expect(argmaxRule(q(0.9, NaN), facts(1, 1), [false, true], {})).toEqual({
      index: -1,
      reason: 'no candidate available',
    });
    expect(argmaxRule(q(), [], [], {}).index).toBe(-1);
  });
});
