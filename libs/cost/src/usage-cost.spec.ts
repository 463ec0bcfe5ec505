import type { DeploymentPrices } from './cost.types';
import { usageCost, ZERO_COST } from './usage-cost';

const PRICES: DeploymentPrices = {
  input: 3e-6,
  output: 15e-6,
  cacheRead: 0.3e-6,
  cacheCreation: 3.75e-6,
  reasoning: undefined,
  source: 'table',
  tableModel: 'claude-3-5-sonnet',
};

describe('usageCost', () => {
  it('is zero without usage', () => {
    expect(usageCost(PRICES, undefined)).toBe(ZERO_COST);
  });

  it('charges uncached input, cache reads, cache writes and output at their prices', () => {
    // 1000 prompt tokens of which 600 read from and 100 written to the cache; 200 completion.
    const cost = usageCost(PRICES, {
      promptTokens: 1000,
      completionTokens: 200,
      cachedPromptTokens: 600,
      cacheCreationTokens: 100,
    });
    expect(cost.input).toBeCloseTo(300 * 3e-6, 15); // 0.0009
    expect(cost.cacheRead).toBeCloseTo(600 * 0.3e-6, 15); // 0.00018
    expect(cost.cacheCreation).toBeCloseTo(100 * 3.75e-6, 15); // 0.000375
    expect(cost.output).toBeCloseTo(200 * 15e-6, 15); // 0.003
    expect(cost.total).toBeCloseTo(0.004455, 15);
  });

  it('prices reasoning tokens apart only when a reasoning price is set, never twice', () => {
    const usage = { promptTokens: 10, completionTokens: 100, reasoningTokens: 80 };
    expect(usageCost(PRICES, usage).output).toBeCloseTo(100 * 15e-6, 15);
    const priced = usageCost({ ...PRICES, reasoning: 20e-6 }, usage);
    expect(priced.output).toBeCloseTo(20 * 15e-6 + 80 * 20e-6, 15); // 0.0019
    expect(priced.total).toBeCloseTo(10 * 3e-6 + 0.0019, 15);
  });

  it('clamps inconsistent counts so no token is charged twice or negatively', () => {
    const cost = usageCost(
      { ...PRICES, reasoning: 20e-6 },
      {
        promptTokens: 100,
        completionTokens: 10,
        cachedPromptTokens: 80,
        cacheCreationTokens: 50,
        reasoningTokens: 25,
      },
    );
    expect(cost.input).toBe(0);
    expect(cost.cacheRead).toBeCloseTo(80 * 0.3e-6, 15);
    expect(cost.cacheCreation).toBeCloseTo(20 * 3.75e-6, 15);
    expect(cost.output).toBeCloseTo(10 * 20e-6, 15);
    const negative = usageCost(PRICES, { promptTokens: -5, completionTokens: Number.NaN });
    expect(negative.total).toBe(0);
  });
});
