import type { ResolvedDeployment } from '@routeiq/providers';
import { SimpleShuffleStrategy, deploymentWeight } from './simple-shuffle.strategy';
import {
  evenRandom,
  fakeDeployment as deployment,
  routingContext,
  shares,
} from './__fixtures__/strategy-fixtures';

const strategy = new SimpleShuffleStrategy();

function share(
  candidates: ResolvedDeployment[],
  draws: number,
): Record<string, number | undefined> {
  const ctx = routingContext({ random: evenRandom(draws) });
  return shares(() => strategy.pick(candidates, ctx).deployment, draws);
}

describe(SimpleShuffleStrategy.name, () => {
  it('is named and versioned for the decision record', () => {
    expect(strategy.name).toBe('simple-shuffle');
    expect(strategy.version).toBe('1');
  });

  it('splits traffic in proportion to weight and says so', () => {
    const counts = share([deployment('a', { weight: 1 }), deployment('b', { weight: 3 })], 1000);
    expect(counts.a).toBeCloseTo(0.25, 2);
    expect(counts.b).toBeCloseTo(0.75, 2);
    const pick = strategy.pick(
      [deployment('a', { weight: 1 }), deployment('b', { weight: 3 })],
      routingContext({ random: () => 0.5 }),
    );
    expect(pick).toEqual({
      deployment: expect.objectContaining({ id: 'b' }),
      reason: 'weighted shuffle: weight 3 of 4',
    });
  });

  it('falls back to rpm, then tpm, as LiteLLM does', () => {
    expect(deploymentWeight(deployment('a', { rpm: 10, tpm: 1 }))).toBe(10);
    expect(deploymentWeight(deployment('a', { tpm: 7 }))).toBe(7);
    expect(deploymentWeight(deployment('a', { weight: 2, rpm: 10 }))).toBe(2);
    expect(deploymentWeight(deployment('a'))).toBeUndefined();
    const counts = share([deployment('a', { rpm: 100 }), deployment('b', { tpm: 300 })], 400);
    expect(counts.a).toBeCloseTo(0.25, 2);
    expect(counts.b).toBeCloseTo(0.75, 2);
  });

  it('spreads evenly when nobody declares a weight', () => {
    const counts = share([deployment('a'), deployment('b'), deployment('c')], 900);
    for (const id of ['a', 'b', 'c']) expect(counts[id]).toBeCloseTo(1 / 3, 2);
  });

  it('counts a candidate without a weight among weighted ones as weight 1', () => {
    const counts = share([deployment('a', { weight: 3 }), deployment('b')], 400);
    expect(counts.a).toBeCloseTo(0.75, 2);
    expect(counts.b).toBeCloseTo(0.25, 2);
  });

  it('never picks a zero- or negative-weight deployment while another has weight', () => {
    const counts = share(
      [
        deployment('a', { weight: 0 }),
        deployment('b', { weight: 1 }),
        deployment('c', { weight: -5 }),
      ],
      500,
    );
    expect(counts.a).toBeUndefined();
    expect(counts.c).toBeUndefined();
    expect(counts.b).toBeCloseTo(1, 5);
  });

  it('never ends on a zero-weight candidate when the threshold is not consumed', () => {
    // random() → 1 stands for rounding leaving the threshold at exactly 0 after the last weight.
    const candidates = [deployment('a', { weight: 1 }), deployment('b', { weight: 0 })];
    const pick = strategy.pick(candidates, routingContext({ random: () => 1 }));
    expect(pick.deployment.id).toBe('a');
  });

  it('picks uniformly when every weight is zero, and handles the last edge of the range', () => {
    const ctx = routingContext({ random: () => 0.999999 });
    const zero = strategy.pick(
      [deployment('a', { weight: 0 }), deployment('b', { weight: 0 })],
      ctx,
    );
    expect(zero).toEqual({
      deployment: expect.objectContaining({ id: 'b' }),
      reason: 'random among 2',
    });
    const even = strategy.pick(
      [deployment('a', { weight: 1 }), deployment('b', { weight: 1 })],
      ctx,
    );
    expect(even.deployment.id).toBe('b');
    expect(
      strategy.pick([deployment('a'), deployment('b')], routingContext({ random: () => 1 }))
        .deployment.id,
    ).toBe('b');
  });

  it('returns the only candidate without drawing a random number', () => {
    const random = jest.fn(() => 0.5);
    const pick = strategy.pick([deployment('solo', { weight: 0 })], routingContext({ random }));
    expect(pick).toEqual({
      deployment: expect.objectContaining({ id: 'solo' }),
      reason: 'only candidate',
    });
    expect(random).not.toHaveBeenCalled();
  });
});
