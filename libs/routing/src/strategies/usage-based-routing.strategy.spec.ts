import type { DeploymentUsage } from '@routeiq/coordination';
import { UsageBasedRoutingStrategy, relativeHeadroom } from './usage-based-routing.strategy';
import {
  FakeMetrics,
  evenRandom,
  fakeDeployment as deployment,
  routingContext,
  shares,
} from './__fixtures__/strategy-fixtures';

const strategy = new UsageBasedRoutingStrategy();

function metricsWith(usage: Record<string, DeploymentUsage>): FakeMetrics {
  const metrics = new FakeMetrics();
  for (const [id, value] of Object.entries(usage)) metrics.usageById.set(id, value);
  return metrics;
}

describe(UsageBasedRoutingStrategy.name, () => {
  it('is named as in LiteLLM and versioned', () => {
    expect(strategy.name).toBe('usage-based-routing');
    expect(strategy.version).toBe('1');
  });

  it('picks the deployment with the fewest tokens this minute, whatever the random draw', () => {
    const candidates = [
      deployment('a', { tpm: 100_000 }),
      deployment('b', { tpm: 10_000 }),
      deployment('c'),
    ];
    const metrics = metricsWith({
      a: { requests: 5, tokens: 9000 },
      b: { requests: 9, tokens: 1200 },
      c: { requests: 1, tokens: 5000 },
    });
    for (const random of [0, 0.99]) {
      const pick = strategy.pick(candidates, routingContext({ metrics, random: () => random }));
      expect(pick).toEqual({
        deployment: expect.objectContaining({ id: 'b' }),
        reason: 'lowest usage: 1200 tokens this minute',
      });
    }
  });

  it('skips a deployment this request would take over its tpm or its rpm', () => {
    const candidates = [
      deployment('tpm-full', { tpm: 1000 }),
      deployment('rpm-full', { rpm: 3 }),
      deployment('busy', { tpm: 100_000, rpm: 100 }),
    ];
    const metrics = metricsWith({
      'tpm-full': { requests: 1, tokens: 950 },
      'rpm-full': { requests: 3, tokens: 10 },
      busy: { requests: 50, tokens: 60_000 },
    });
    const pick = strategy.pick(candidates, routingContext({ metrics, estimatedTokens: 100 }));
    expect(pick.deployment.id).toBe('busy');
    // Exactly at the limit is still allowed (LiteLLM skips only when it would exceed).
    const atLimit = strategy.pick(candidates, routingContext({ metrics, estimatedTokens: 50 }));
    expect(atLimit.deployment.id).toBe('tpm-full');
  });

  it('when every deployment is over, picks the one with the most relative headroom', () => {
    const candidates = [
      deployment('far-over', { tpm: 1000 }),
      deployment('just-over', { rpm: 10, tpm: 100_000 }),
    ];
    const metrics = metricsWith({
      'far-over': { requests: 1, tokens: 1900 },
      'just-over': { requests: 10, tokens: 0 },
    });
    const pick = strategy.pick(candidates, routingContext({ metrics, estimatedTokens: 100 }));
    expect(pick).toEqual({
      deployment: expect.objectContaining({ id: 'just-over' }),
      reason: 'all over rpm/tpm: most headroom -10%',
    });
  });

  it('measures relative headroom against the tighter of rpm and tpm', () => {
    const ctx = (usage: DeploymentUsage) =>
      routingContext({ metrics: metricsWith({ d: usage }), estimatedTokens: 100 });
    expect(relativeHeadroom(deployment('d'), ctx({ requests: 1e6, tokens: 1e9 }))).toBe(1);
    expect(
      relativeHeadroom(deployment('d', { tpm: 1000 }), ctx({ requests: 0, tokens: 400 })),
    ).toBeCloseTo(0.5);
    expect(
      relativeHeadroom(deployment('d', { tpm: 1000, rpm: 10 }), ctx({ requests: 8, tokens: 0 })),
    ).toBeCloseTo(0.1);
    expect(relativeHeadroom(deployment('d', { rpm: 0 }), ctx({ requests: 0, tokens: 0 }))).toBe(-1);
  });

  it('breaks ties at random, evenly (a cold start spreads the load)', () => {
    const candidates = [
      deployment('a', { tpm: 1000 }),
      deployment('b', { tpm: 1000 }),
      deployment('c'),
    ];
    const ctx = routingContext({
      metrics: metricsWith({ c: { requests: 1, tokens: 1 } }),
      random: evenRandom(500),
    });
    const counts = shares(() => strategy.pick(candidates, ctx).deployment, 500);
    expect(counts).toEqual({ a: expect.closeTo(0.5, 5), b: expect.closeTo(0.5, 5) });
  });
});
