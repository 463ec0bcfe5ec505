import { MetricRegistry } from './metric-registry';
import { registerProcessMetrics, RollingLoopDelay } from './process-metrics';

function blockLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe(registerProcessMetrics.name, () => {
  it('registers the process and runtime metrics, read at collection time', () => {
    const registry = new MetricRegistry();
    const handle = registerProcessMetrics(registry);
    try {
      const values = new Map(
        registry
          .collect()
          .map((f) => [
            f.descriptor.prometheusName,
            f.kind === 'histogram' ? NaN : f.points[0]?.value,
          ]),
      );
      expect([...values.keys()]).toEqual([
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'process_start_time_seconds',
        'nodejs_heap_used_bytes',
        'nodejs_eventloop_lag_seconds',
      ]);
      expect(values.get('process_cpu_seconds_total')).toBeGreaterThan(0);
      expect(values.get('process_resident_memory_bytes')).toBeGreaterThan(1_000_000);
      expect(values.get('nodejs_heap_used_bytes')).toBeGreaterThan(1_000_000);
      const start = values.get('process_start_time_seconds')!;
      expect(Math.abs(start - (Date.now() / 1000 - process.uptime()))).toBeLessThan(1);
      expect(values.get('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);

      blockLoop(5);
      const cpuAfter = registry.collect()[0]?.points[0];
      expect(cpuAfter && 'value' in cpuAfter ? cpuAfter.value : 0).toBeGreaterThan(
        values.get('process_cpu_seconds_total')!,
      );
    } finally {
      handle.stop();
    }
  });
});

describe(RollingLoopDelay.name, () => {
  it('keeps a stall visible across scrapes, then forgets it after two windows', async () => {
    let now = 0;
    const delay = new RollingLoopDelay(() => now);
    try {
      await tick(50);
      blockLoop(200);
      await tick(50);
      const stalled = delay.p99Seconds();
      expect(stalled).toBeGreaterThan(0.1);

      now = 60_000; // a second monitor starts, after the stall
      expect(delay.p99Seconds()).toBe(stalled);
      await tick(50);
      now = 120_000; // the first monitor is read one last time, then reset
      expect(delay.p99Seconds()).toBe(stalled);
      await tick(50);
      now = 121_000;
      expect(delay.p99Seconds()).toBeLessThan(stalled / 2);
    } finally {
      delay.stop();
    }
  });

  it('reads 0 before the monitor has ticked', () => {
    const delay = new RollingLoopDelay();
    try {
      expect(delay.p99Seconds()).toBe(0);
    } finally {
      delay.stop();
    }
  });
});
