import type { CandidateFacts } from '../ml.types';
import { largestRule, smallestRule } from './size.rule';

const none = new Float64Array(0);

describe('smallestRule and largestRule', () => {
  const facts: CandidateFacts[] = [
    { costPer1k: 0.0009, size: 49 },
    { costPer1k: 0.0001, size: 9 },
    { costPer1k: 0.0002, size: 9 },
    { costPer1k: 0.0009, size: 70 },
  ];

  it('choose by size, ties to the cheaper, without predictions', () => {
    expect(smallestRule(none, facts, [true, true, true, true], {})).toEqual({
      index: 1,
      reason: 'smallest available candidate',
    });
    expect(largestRule(none, facts, [true, true, true, true], {})).toEqual({
      index: 3,
      reason: 'largest available candidate',
    });
    expect(smallestRule(none, facts, [true, false, true, true], {}).index).toBe(2);
    expect(largestRule(none, facts, [true, true, true, false], {}).index).toBe(0);
  });

  it('use cost when most sizes are unknown, and put candidates lacking it last', () => {
    const byCost: CandidateFacts[] = [
      { costPer1k: 0.5, size: undefined },
      { costPer1k: undefined, size: undefined },
      { costPer1k: 0.1, size: 7 },
    ];
    expect(smallestRule(none, byCost, [true, true, true], {}).index).toBe(2);
    expect(largestRule(none, byCost, [true, true, true], {}).index).toBe(0);
    expect(largestRule(none, byCost, [false, true, false], {}).index).toBe(1);
  });

  it('return -1 when nothing is available', () => {
    expect(smallestRule(none, facts, [false, false, false, false], {})).toEqual({
      index: -1,
      reason: 'no candidate available',
    });
    expect(largestRule(none, [], [], {}).index).toBe(-1);
  });
});
