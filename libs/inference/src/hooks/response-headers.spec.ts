import { cacheHitHeaders, decimalString } from './response-headers';

describe(decimalString.name, () => {
  it.each([
    [0, '0'],
    [-1, '0'],
    [Number.NaN, '0'],
    [0.000018, '0.000018'],
    [1.8e-7, '0.00000018'],
    [11 * 0.000001 + 7 * 0.000002, '0.000025'],
    [1.5, '1.5'],
    [12345.678, '12345.678'],
    [2e21, '2000000000000000000000'],
  ])('%p → %p', (value, text) => {
    expect(decimalString(value)).toBe(text);
  });
});

describe(cacheHitHeaders.name, () => {
  it('names the tier and the whole seconds of age', () => {
    expect(cacheHitHeaders({ tier: 'redis', ageSeconds: 12.7, deploymentId: '' })).toEqual({
      'x-routeiq-cache': 'HIT',
      'x-routeiq-cache-tier': 'redis',
      'x-routeiq-cache-age': '12',
    });
  });
});
