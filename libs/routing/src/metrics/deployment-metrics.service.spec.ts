import { type DeploymentUsage, DeploymentUsageStore, NO_USAGE } from '@routeiq/coordination';
import { DeploymentMetricsService, LATENCY_EWMA_ALPHA } from './deployment-metrics.service';

/**
 * Fixed one-minute windows in memory, as the contract describes. Stands in until
 * `InMemoryDeploymentUsageStore` is exported from @routeiq/coordination.
 */
class MinuteUsageStore extends DeploymentUsageStore {
  private readonly windows = new Map<
    string,
    { minute: number; requests: number; tokens: number }
  >();

  addRequest(deploymentId: string, now: number): void {
    this.window(deploymentId, now).requests++;
  }

  addTokens(deploymentId: string, tokens: number, now: number): void {
    this.window(deploymentId, now).tokens += tokens;
  }

  current(deploymentId: string, now: number): DeploymentUsage {
    const window = this.windows.get(deploymentId);
    return window && window.minute === Math.floor(now / 60_000)
      ? { requests: window.requests, tokens: window.tokens }
      : NO_USAGE;
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }

  private window(deploymentId: string, now: number) {
    const minute = Math.floor(now / 60_000);
    let window = this.windows.get(deploymentId);
    if (!window || window.minute !== minute) {
      window = { minute, requests: 0, tokens: 0 };
      this.windows.set(deploymentId, window);
    }
    return window;
  }
}

const NOW = 1_764_000_000_000;
const ok = (latencyMs: number, tokens = 0) => ({ ok: true, latencyMs, tokens });

describe(DeploymentMetricsService.name, () => {
  let store: MinuteUsageStore;
  let metrics: DeploymentMetricsService;

  beforeEach(() => {
    store = new MinuteUsageStore();
    metrics = new DeploymentMetricsService(store);
  });

  it('knows nothing about a deployment it has not called', () => {
    expect(metrics.inFlight('a')).toBe(0);
    expect(metrics.latencyMs('a')).toBeUndefined();
    expect(metrics.ttftMs('a')).toBeUndefined();
    expect(metrics.usage('a')).toEqual({ requests: 0, tokens: 0 });
    expect(metrics.snapshot()).toEqual([]);
  });

  it('counts calls in flight per deployment, never below zero', () => {
    metrics.begin('a', NOW);
    metrics.begin('a', NOW);
    metrics.begin('b', NOW);
    expect([metrics.inFlight('a'), metrics.inFlight('b')]).toEqual([2, 1]);
    metrics.end('a', ok(10), NOW);
    expect(metrics.inFlight('a')).toBe(1);
    metrics.end('b', { ok: false, latencyMs: 3, tokens: 0 }, NOW);
    metrics.end('b', ok(10), NOW);
    expect(metrics.inFlight('b')).toBe(0);
  });

  it('averages latency of successful calls with an EWMA (first sample taken as is)', () => {
    metrics.end('a', ok(100), NOW);
    expect(metrics.latencyMs('a')).toBe(100);
    metrics.end('a', ok(200), NOW);
    expect(metrics.latencyMs('a')).toBeCloseTo(100 + LATENCY_EWMA_ALPHA * 100, 10);
    expect(LATENCY_EWMA_ALPHA).toBe(0.3);
  });

  it('keeps fast failures, streams and bad samples out of the latency average', () => {
    metrics.end('a', ok(100), NOW);
    metrics.end('a', { ok: false, latencyMs: 1, tokens: 0 }, NOW);
    metrics.end('a', { ok: true, latencyMs: 9000, tokens: 0, stream: true }, NOW);
    metrics.end('a', ok(Number.NaN), NOW);
    metrics.end('a', ok(-5), NOW);
    expect(metrics.latencyMs('a')).toBe(100);
  });

  it('counts a timeout as its elapsed time, in latency and (once known) TTFT', () => {
    metrics.end('a', ok(100), NOW);
    metrics.firstByte('a', 50);
    metrics.end('a', { ok: false, latencyMs: 30_000, tokens: 0, timedOut: true }, NOW);
    expect(metrics.latencyMs('a')).toBeCloseTo(0.3 * 30_000 + 0.7 * 100, 6);
    expect(metrics.ttftMs('a')).toBeCloseTo(0.3 * 30_000 + 0.7 * 50, 6);
    metrics.end('b', { ok: false, latencyMs: 600, tokens: 0, timedOut: true, stream: true }, NOW);
    expect(metrics.latencyMs('b')).toBe(600);
    expect(metrics.ttftMs('b')).toBeUndefined();
  });

  it('averages time to first token separately', () => {
    metrics.firstByte('a', 40);
    metrics.firstByte('a', 80);
    metrics.firstByte('a', Number.POSITIVE_INFINITY);
    expect(metrics.ttftMs('a')).toBeCloseTo(52, 10);
    expect(metrics.latencyMs('a')).toBeUndefined();
  });

  it('counts requests at begin and reported tokens at end in the usage store', () => {
    metrics.begin('a', NOW);
    metrics.begin('a', NOW);
    metrics.end('a', ok(10, 120), NOW);
    metrics.end('a', { ok: false, latencyMs: 5, tokens: 0 }, NOW);
    metrics.begin('b', NOW);
    metrics.end('b', ok(10, Number.NaN), NOW);
    expect(store.current('a', NOW)).toEqual({ requests: 2, tokens: 120 });
    expect(store.current('b', NOW)).toEqual({ requests: 1, tokens: 0 });
  });

  it('reads usage from the store at the current time', () => {
    store.addRequest('a', NOW);
    store.addTokens('a', 75, NOW);
    const current = jest.spyOn(store, 'current');
    const before = Date.now();
    const usage = metrics.usage('a');
    const after = Date.now();
    expect(current).toHaveBeenCalledTimes(1);
    const [id, at] = current.mock.calls[0]!;
    expect(id).toBe('a');
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
    expect(usage).toEqual({ requests: 0, tokens: 0 });
    expect(store.current('a', NOW)).toEqual({ requests: 1, tokens: 75 });
  });

  it('snapshots every deployment it has seen for GET /router/info', () => {
    metrics.begin('a', NOW);
    metrics.end('b', ok(12.3456), NOW);
    metrics.firstByte('b', 4.444);
    expect(metrics.snapshot()).toEqual([
      { deployment: 'a', in_flight: 1, latency_ms: null, ttft_ms: null },
      { deployment: 'b', in_flight: 0, latency_ms: 12.35, ttft_ms: 4.44 },
    ]);
  });
});
