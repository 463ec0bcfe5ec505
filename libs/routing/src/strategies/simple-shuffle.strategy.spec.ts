import type { ResolvedDeployment } from '@routeiq/providers';
import { SimpleShuffleStrategy, deploymentWeight } from './simple-shuffle.strategy';

function deployment(
  id: string,
  params: { weight?: number; rpm?: number; tpm?: number } = {},
): ResolvedDeployment {
  return {
    id,
    config: { litellmParams: { model: 'mock/x', extra: {}, ...params } },
  } as unknown as ResolvedDeployment;
}

/** A deterministic stand-in for Math.random: evenly spread values in [0, 1). */
function evenRandom(samples: number): () => number {
  let i = 0;
  return () => (i++ % samples) / samples;
}

function share(
  strategy: SimpleShuffleStrategy,
  candidates: ResolvedDeployment[],
  draws: number,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < draws; i++) {
    const picked = strategy.pick(candidates).id;
    counts[picked] = (counts[picked] ?? 0) + 1 / draws;
  }
  return counts;
}

describe(SimpleShuffleStrategy.name, () => {
  it('splits traffic in proportion to weight', () => {
    const counts = share(
      new SimpleShuffleStrategy(evenRandom(1000)),
      [deployment('a', { weight: 1 }), deployment('b', { weight: 3 })],
      1000,
    );
    expect(counts.a).toBeCloseTo(0.25, 2);
    expect(counts.b).toBeCloseTo(0.75, 2);
  });

  it('falls back to rpm, then tpm, as LiteLLM does', () => {
    expect(deploymentWeight(deployment('a', { rpm: 10, tpm: 1 }))).toBe(10);
    expect(deploymentWeight(deployment('a', { tpm: 7 }))).toBe(7);
    expect(deploymentWeight(deployment('a', { weight: 2, rpm: 10 }))).toBe(2);
    expect(deploymentWeight(deployment('a'))).toBeUndefined();
  });

  it('spreads evenly when nobody declares a weight', () => {
    const counts = share(
      new SimpleShuffleStrategy(evenRandom(900)),
      [deployment('a'), deployment('b'), deployment('c')],
      900,
    );
    for (const id of ['a', 'b', 'c']) expect(counts[id]).toBeCloseTo(1 / 3, 2);
  });

  it('never picks a zero-weight deployment while another has weight', () => {
    const counts = share(
      new SimpleShuffleStrategy(evenRandom(500)),
      [deployment('a', { weight: 0 }), deployment('b', { weight: 1 })],
      500,
    );
    expect(counts.a).toBeUndefined();
    expect(counts.b).toBeCloseTo(1, 5);
  });

  it('picks uniformly when every weight is zero, and handles the last edge of the range', () => {
    const strategy = new SimpleShuffleStrategy(() => 0.999999);
    expect(strategy.pick([deployment('a', { weight: 0 }), deployment('b', { weight: 0 })]).id).toBe(
      'b',
    );
    expect(
      new SimpleShuffleStrategy(() => 0.999999).pick([
        deployment('a', { weight: 1 }),
        deployment('b', { weight: 1 }),
      ]).id,
    ).toBe('b');
  });
});
