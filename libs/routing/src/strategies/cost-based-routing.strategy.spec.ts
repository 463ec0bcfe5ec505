import { CostBasedRoutingStrategy, estimatedCost } from './cost-based-routing.strategy';
import {
  evenRandom,
  fakeDeployment as deployment,
  routingContext,
  shares,
} from './__fixtures__/strategy-fixtures';

const strategy = new CostBasedRoutingStrategy();

describe(CostBasedRoutingStrategy.name, () => {
  it('is named as in LiteLLM and versioned', () => {
    expect(strategy.name).toBe('cost-based-routing');
    expect(strategy.version).toBe('1');
  });

  it('prices the estimated tokens at the input plus output price per token', () => {
    const ctx = routingContext({ estimatedTokens: 1000 });
    const priced = deployment('a', {}, { input_cost_per_token: 1e-6, output_cost_per_token: 3e-6 });
    expect(estimatedCost(priced, ctx)).toBeCloseTo(0.004, 12);
    expect(estimatedCost(deployment('b', {}, { output_cost_per_token: 2e-6 }), ctx)).toBeCloseTo(
      0.002,
      12,
    );
    expect(estimatedCost(deployment('c'), ctx)).toBe(0);
  });

  it('picks the cheapest deployment, whatever the random draw', () => {
    const candidates = [
      deployment('pricey', {}, { input_cost_per_token: 5e-6, output_cost_per_token: 15e-6 }),
      deployment('cheap', {}, { input_cost_per_token: 1.5e-7, output_cost_per_token: 6e-7 }),
      deployment('mid', {}, { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 }),
    ];
    for (const random of [0, 0.99]) {
      const pick = strategy.pick(
        candidates,
        routingContext({ estimatedTokens: 1000, random: () => random }),
      );
      expect(pick).toEqual({
        deployment: expect.objectContaining({ id: 'cheap' }),
        reason: 'cheapest: $0.000750 for ~1000 tokens',
      });
    }
  });

  it('counts a deployment without prices as free, as LiteLLM does', () => {
    const candidates = [
      deployment('priced', {}, { input_cost_per_token: 1e-9 }),
      deployment('unpriced'),
    ];
    const pick = strategy.pick(candidates, routingContext());
    expect(pick).toEqual({
      deployment: expect.objectContaining({ id: 'unpriced' }),
      reason: 'cheapest: $0.00 for ~100 tokens',
    });
  });

  it('breaks ties at random, evenly, and never picks a dearer one', () => {
    const price = { input_cost_per_token: 1e-6, output_cost_per_token: 1e-6 };
    const candidates = [
      deployment('a', {}, price),
      deployment('dear', {}, { ...price, output_cost_per_token: 2e-6 }),
      deployment('b', {}, price),
    ];
    const ctx = routingContext({ random: evenRandom(300) });
    const counts = shares(() => strategy.pick(candidates, ctx).deployment, 300);
    expect(counts).toEqual({ a: expect.closeTo(0.5, 5), b: expect.closeTo(0.5, 5) });
  });
});
