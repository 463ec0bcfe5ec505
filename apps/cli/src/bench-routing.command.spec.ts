import { BUILT_IN_STRATEGIES } from '@routeiq/routing';
import {
  benchRouting,
  benchRoutingCommand,
  type RoutingBenchResult,
} from './bench-routing.command';
import { readCliConfig } from './cli.config';

const SMALL = { iterations: 500, warmup: 50 };

describe(benchRouting.name, () => {
  it('times every built-in strategy and reports microsecond percentiles', () => {
    const results = benchRouting(SMALL);
    expect(results.map((r) => r.strategy)).toEqual(BUILT_IN_STRATEGIES.map((s) => s.name));
    for (const result of results) {
      expect(result.samples).toBe(500);
      expect(result.version).toMatch(/^\d+$/);
      expect(result.timing).toContain('each pick timed alone');
      for (const value of [result.p50_us, result.p99_us, result.mean_us, result.loop_mean_us]) {
        expect(Number.isFinite(value) && value > 0).toBe(true);
      }
      expect(result.p99_us).toBeGreaterThanOrEqual(result.p50_us);
      expect(result.clock_overhead_us).toBeGreaterThanOrEqual(0);
    }
  });
});

describe(benchRoutingCommand.name, () => {
  it('prints one JSON line per strategy on stdout and nothing on stderr', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
    await benchRoutingCommand(readCliConfig({}), undefined, io, SMALL);
    expect(err).toEqual([]);
    const parsed = out.map((line) => JSON.parse(line) as RoutingBenchResult);
    expect(parsed.map((r) => r.strategy)).toEqual(BUILT_IN_STRATEGIES.map((s) => s.name));
    expect(Object.keys(parsed[0]!)).toEqual(
      expect.arrayContaining(['strategy', 'p50_us', 'p99_us', 'mean_us']),
    );
  });
});
