import { LatencyBasedRoutingStrategy, latencyBuffer } from './latency-based-routing.strategy';
import {
  FakeMetrics,
  evenRandom,
  fakeDeployment as deployment,
  routingContext,
  shares,
} from './__fixtures__/strategy-fixtures';

const strategy = new LatencyBasedRoutingStrategy();
const candidates = [deployment('a'), deployment('b'), deployment('c')];

function metricsWith(
  latency: Record<string, number>,
  ttft: Record<string, number> = {},
): FakeMetrics {
  const metrics = new FakeMetrics();
  for (const [id, ms] of Object.entries(latency)) metrics.latencyById.set(id, ms);
  for (const [id, ms] of Object.entries(ttft)) metrics.ttftById.set(id, ms);
  return metrics;
}

describe(LatencyBasedRoutingStrategy.name, () => {
  it('is named as in LiteLLM and versioned', () => {
    expect(strategy.name).toBe('latency-based-routing');
    expect(strategy.version).toBe('1');
  });

  it('picks the lowest latency without a buffer, whatever the random draw', () => {
    const metrics = metricsWith({ a: 40, b: 12.34, c: 12.9 });
    for (const random of [0, 0.99]) {
      const pick = strategy.pick(candidates, routingContext({ metrics, random: () => random }));
      expect(pick).toEqual({
        deployment: expect.objectContaining({ id: 'b' }),
        reason: 'lowest latency 12.3 ms',
      });
    }
  });

  it('chooses at random among deployments within (1 + buffer) × the lowest', () => {
    const metrics = metricsWith({ a: 100, b: 109, c: 111 });
    const ctx = routingContext({
      metrics,
      args: { lowest_latency_buffer: 0.1 },
      random: evenRandom(400),
    });
    const counts = shares(() => strategy.pick(candidates, ctx).deployment, 400);
    expect(counts).toEqual({ a: expect.closeTo(0.5, 5), b: expect.closeTo(0.5, 5) });
    const pick = strategy.pick(candidates, routingContext({ ...ctx, random: () => 0.9 }));
    expect(pick.reason).toBe('latency 109.0 ms, within buffer 0.1 of lowest 100.0 ms');
  });

  it('tries deployments without data first (explore), at random among them', () => {
    const metrics = metricsWith({ a: 5 });
    const ctx = routingContext({
      metrics,
      args: { lowest_latency_buffer: 0.5 },
      random: evenRandom(200),
    });
    const counts = shares(() => strategy.pick(candidates, ctx).deployment, 200);
    expect(counts).toEqual({ b: expect.closeTo(0.5, 5), c: expect.closeTo(0.5, 5) });
    expect(strategy.pick(candidates, ctx).reason).toBe('no latency data yet: exploring');
  });

  it('ranks streams by time to first token, falling back to latency before the first stream', () => {
    const metrics = metricsWith({ a: 50, b: 500, c: 30 }, { a: 40, b: 20 });
    const stream = strategy.pick(candidates, routingContext({ metrics, stream: true }));
    expect(stream).toEqual({
      deployment: expect.objectContaining({ id: 'b' }),
      reason: 'lowest ttft 20.0 ms',
    });
    // c has no TTFT yet: its 15 ms whole-call latency stands in and wins.
    metrics.latencyById.set('c', 15);
    const fallback = strategy.pick(candidates, routingContext({ metrics, stream: true }));
    expect(fallback).toEqual({
      deployment: expect.objectContaining({ id: 'c' }),
      reason: 'lowest latency 15.0 ms',
    });
    const plain = strategy.pick(candidates, routingContext({ metrics }));
    expect(plain.deployment.id).toBe('c');
    metrics.latencyById.set('c', 60);
    expect(strategy.pick(candidates, routingContext({ metrics })).deployment.id).toBe('a');
  });

  it('ignores a buffer that is not a finite non-negative number', () => {
    expect(latencyBuffer({})).toBe(0);
    expect(latencyBuffer({ lowest_latency_buffer: 0.25 })).toBe(0.25);
    for (const bad of ['0.5', -1, Number.NaN, Infinity, null]) {
      expect(latencyBuffer({ lowest_latency_buffer: bad })).toBe(0);
    }
    const metrics = metricsWith({ a: 100, b: 101, c: 300 });
    const pick = strategy.pick(
      candidates,
      routingContext({ metrics, args: { lowest_latency_buffer: '0.5' }, random: () => 0.99 }),
    );
    expect(pick.deployment.id).toBe('a');
  });
});
