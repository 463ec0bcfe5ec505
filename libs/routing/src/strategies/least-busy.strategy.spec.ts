import { LeastBusyStrategy } from './least-busy.strategy';
import {
  FakeMetrics,
  evenRandom,
  fakeDeployment as deployment,
  routingContext,
  shares,
} from './__fixtures__/strategy-fixtures';

const strategy = new LeastBusyStrategy();
const candidates = [deployment('a'), deployment('b'), deployment('c')];

function metricsWith(inFlight: Record<string, number>): FakeMetrics {
  const metrics = new FakeMetrics();
  for (const [id, count] of Object.entries(inFlight)) metrics.inFlightById.set(id, count);
  return metrics;
}

describe(LeastBusyStrategy.name, () => {
  it('is named as in LiteLLM and versioned', () => {
    expect(strategy.name).toBe('least-busy');
    expect(strategy.version).toBe('1');
  });

  it('picks the deployment with the fewest requests in flight, whatever the random draw', () => {
    const metrics = metricsWith({ a: 3, b: 1, c: 2 });
    for (const random of [0, 0.5, 0.99]) {
      const pick = strategy.pick(candidates, routingContext({ metrics, random: () => random }));
      expect(pick.deployment.id).toBe('b');
      expect(pick.reason).toBe('least busy: 1 in flight');
    }
  });

  it('counts a deployment never seen as idle', () => {
    const pick = strategy.pick(
      candidates,
      routingContext({ metrics: metricsWith({ a: 1, b: 2 }) }),
    );
    expect(pick).toEqual({
      deployment: expect.objectContaining({ id: 'c' }),
      reason: 'least busy: 0 in flight',
    });
  });

  it('breaks ties at random, evenly, and never picks a busier one', () => {
    const metrics = metricsWith({ a: 2, b: 2, c: 5 });
    const ctx = routingContext({ metrics, random: evenRandom(600) });
    const counts = shares(() => strategy.pick(candidates, ctx).deployment, 600);
    expect(counts.a).toBeCloseTo(0.5, 5);
    expect(counts.b).toBeCloseTo(0.5, 5);
    expect(counts.c).toBeUndefined();
  });

  it('follows the counts as they change', () => {
    const metrics = metricsWith({ a: 0, b: 1, c: 1 });
    const ctx = routingContext({ metrics });
    expect(strategy.pick(candidates, ctx).deployment.id).toBe('a');
    metrics.inFlightById.set('a', 4);
    metrics.inFlightById.set('c', 0);
    expect(strategy.pick(candidates, ctx).deployment.id).toBe('c');
  });
});
