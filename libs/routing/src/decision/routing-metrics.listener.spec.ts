import { GatewayMetrics } from '@routeiq/observability';
import {
  parsePrometheusText,
  sampleValue,
  seriesOf,
} from '../../../../test/support/prometheus-parser';
import type { RouterDecision, RouterDecisionAttempt } from './router-decision';
import { RouterDecisionLog } from './router-decision.log';
import { RoutingMetricsListener } from './routing-metrics.listener';

const RETRIES = 'routeiq_router_retries_total';
const FALLBACKS = 'routeiq_router_fallbacks_total';
const DECISION = 'routeiq_router_decision_duration_seconds';

const ok = (model_group: string, deployment: string): RouterDecisionAttempt => ({
  model_group,
  deployment,
  outcome: 'success',
  duration_ms: 5,
});
const failed = (model_group: string, deployment: string): RouterDecisionAttempt => ({
  model_group,
  deployment,
  outcome: 'error',
  error_code: 'upstream_error',
  error_kind: 'unavailable',
  status: 503,
  duration_ms: 5,
});

function decision(
  attempts: RouterDecisionAttempt[],
  overrides: Partial<RouterDecision> = {},
): RouterDecision {
  return {
    event: 'routeiq.router_decision.v1',
    request_id: 'req-1',
    timestamp: new Date(0).toISOString(),
    model_group: 'gpt',
    strategy: 'simple-shuffle',
    strategy_version: '1',
    candidates: [],
    selected: attempts.at(-1)?.deployment ?? null,
    reason: 'random',
    timings: { decision_us: 40, total_ms: 12 },
    outcome: attempts.at(-1)?.outcome ?? 'error',
    attempts,
    ...overrides,
  };
}

describe(RoutingMetricsListener.name, () => {
  let metrics: GatewayMetrics;
  let log: RouterDecisionLog;
  let listener: RoutingMetricsListener;

  const scrape = () => parsePrometheusText(metrics.prometheusText());
  const samples = (family: string) =>
    seriesOf(scrape(), family).map((s) => ({ ...s.labels, value: s.value }));

  beforeEach(() => {
    metrics = new GatewayMetrics();
    log = new RouterDecisionLog();
    listener = new RoutingMetricsListener(log, metrics);
    listener.onModuleInit();
  });
  afterEach(() => {
    listener.onModuleDestroy();
    metrics.onModuleDestroy();
  });

  it('records the decision time per strategy and model group, in seconds', () => {
    log.publish(decision([ok('gpt', 'd1')], { timings: { decision_us: 40, total_ms: 1 } }));
    log.publish(decision([ok('gpt', 'd2')], { timings: { decision_us: 60, total_ms: 1 } }));
    log.publish(decision([ok('emb', 'e1')], { model_group: 'emb', strategy: 'latency-based' }));
    const families = scrape();
    const gpt = { strategy: 'simple-shuffle', model_group: 'gpt' };
    expect(sampleValue(families, `${DECISION}_count`, gpt)).toBe(2);
    expect(sampleValue(families, `${DECISION}_sum`, gpt)).toBeCloseTo(0.0001, 10);
    const emb = { strategy: 'latency-based', model_group: 'emb' };
    expect(sampleValue(families, `${DECISION}_count`, emb)).toBe(1);
    // 40 µs lies in the 50 µs bucket, not the 25 µs one.
    expect(sampleValue(families, `${DECISION}_bucket`, { ...emb, le: '0.000025' })).toBe(0);
    expect(sampleValue(families, `${DECISION}_bucket`, { ...emb, le: '0.00005' })).toBe(1);
  });

  it('counts neither a retry nor a fallback for a first-try success', () => {
    log.publish(decision([ok('gpt', 'd1')]));
    expect(samples(RETRIES)).toEqual([]);
    expect(samples(FALLBACKS)).toEqual([]);
  });

  it('counts each further call in the same group as a retry of the deployment called', () => {
    log.publish(decision([failed('gpt', 'd1'), failed('gpt', 'd2'), ok('gpt', 'd1')]));
    log.publish(decision([failed('gpt', 'd1'), ok('gpt', 'd2')]));
    expect(samples(RETRIES)).toEqual(
      expect.arrayContaining([
        { model_group: 'gpt', deployment: 'd2', value: 2 },
        { model_group: 'gpt', deployment: 'd1', value: 1 },
      ]),
    );
    expect(samples(RETRIES)).toHaveLength(2);
    expect(samples(FALLBACKS)).toEqual([]);
  });

  it("counts a fallback with the decision's reason, and no retry for the first call there", () => {
    const fallback = { from: 'gpt', to: 'backup', reason: 'unavailable' };
    log.publish(decision([failed('gpt', 'd1'), ok('backup', 'b1')], { fallback }));
    expect(samples(FALLBACKS)).toEqual([{ ...fallback, value: 1 }]);
    expect(samples(RETRIES)).toEqual([]);
  });

  it('counts a fallback when nothing in the first group could be called', () => {
    const fallback = { from: 'gpt', to: 'backup', reason: 'no_deployment_available' };
    log.publish(decision([ok('backup', 'b1')], { fallback }));
    expect(samples(FALLBACKS)).toEqual([{ ...fallback, value: 1 }]);
    expect(samples(RETRIES)).toEqual([]);
  });

  it('counts every hop of a multi-hop fallback, and retries inside a fallback group', () => {
    const attempts = [
      failed('gpt', 'd1'),
      failed('gpt', 'd2'),
      failed('backup', 'b1'),
      failed('last-resort', 'l1'),
      ok('last-resort', 'l2'),
    ];
    const fallback = { from: 'gpt', to: 'last-resort', reason: 'rate_limited' };
    log.publish(decision(attempts, { fallback }));
    // Only the final hop's reason is in the record; earlier hops are counted as `fallback`.
    expect(samples(FALLBACKS)).toEqual(
      expect.arrayContaining([
        { from: 'gpt', to: 'backup', reason: 'fallback', value: 1 },
        { from: 'backup', to: 'last-resort', reason: 'rate_limited', value: 1 },
      ]),
    );
    expect(samples(FALLBACKS)).toHaveLength(2);
    expect(samples(RETRIES)).toEqual(
      expect.arrayContaining([
        { model_group: 'gpt', deployment: 'd2', value: 1 },
        { model_group: 'last-resort', deployment: 'l2', value: 1 },
      ]),
    );
    expect(samples(RETRIES)).toHaveLength(2);
  });

  it('ignores dry runs (POST /router/route calls nothing)', () => {
    const fallback = { from: 'gpt', to: 'backup', reason: 'unavailable' };
    const attempts = [failed('gpt', 'd1'), ok('gpt', 'd2'), ok('backup', 'b1')];
    log.publish(decision(attempts, { outcome: 'dry_run', fallback }));
    expect(samples(RETRIES)).toEqual([]);
    expect(samples(FALLBACKS)).toEqual([]);
    expect(sampleValue(scrape(), `${DECISION}_count`)).toBeUndefined();
  });

  it('records a failed request with no call at all as a decision only', () => {
    log.publish(decision([], { outcome: 'error', selected: null }));
    expect(sampleValue(scrape(), `${DECISION}_count`, { model_group: 'gpt' })).toBe(1);
    expect(samples(RETRIES)).toEqual([]);
    expect(samples(FALLBACKS)).toEqual([]);
  });

  it('stops recording once the module is destroyed', () => {
    listener.onModuleDestroy();
    log.publish(decision([failed('gpt', 'd1'), ok('gpt', 'd2')]));
    expect(samples(RETRIES)).toEqual([]);
    expect(sampleValue(scrape(), `${DECISION}_count`)).toBeUndefined();
  });
});
