import { parseWeights, shares } from './weights';

describe(parseWeights.name, () => {
  it('reads every weight, empty as 0', () => {
    expect(
      parseWeights({ 'simple-shuffle': '90', 'least-busy': '10', 'cost-based-routing': '' }),
    ).toEqual({
      weights: { 'simple-shuffle': 90, 'least-busy': 10, 'cost-based-routing': 0 },
      errors: null,
    });
  });

  it('names bad weights and refuses an all-zero split', () => {
    expect(parseWeights({ a: '-1', b: 'x', c: '2000000' }).errors).toEqual({
      a: 'Enter a number of at least 0',
      b: 'Enter a number',
      c: 'Enter at most 1000000',
    });
    expect(parseWeights({ a: '0', b: '' }).errors).toEqual({
      '': 'Give at least one strategy a weight above 0',
    });
  });
});

describe(shares.name, () => {
  it('turns weights into fractions of traffic', () => {
    expect(shares({ a: 3, b: 1 })).toEqual({ a: 0.75, b: 0.25 });
    expect(shares({ a: 0 })).toEqual({ a: 0 });
  });
});
