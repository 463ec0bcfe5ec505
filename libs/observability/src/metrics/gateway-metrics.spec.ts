import { DataPointType } from '@opentelemetry/sdk-metrics';
import { GatewayMetrics } from './gateway-metrics';

/** Sample lines of the exposition, keyed by `name{labels}`. */
function samples(metrics: GatewayMetrics): Map<string, number> {
  const lines = metrics
    .prometheusText()
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'));
  return new Map(
    lines.map((line) => {
      const at = line.lastIndexOf(' ');
      return [line.slice(0, at), Number(line.slice(at + 1))];
    }),
  );
}

function families(metrics: GatewayMetrics): string[] {
  return metrics
    .prometheusText()
    .split('\n')
    .filter((line) => line.startsWith('# TYPE '))
    .map((line) => line.split(' ')[2]!);
}

describe(GatewayMetrics.name, () => {
  let metrics: GatewayMetrics;

  beforeEach(() => (metrics = new GatewayMetrics()));
  afterEach(() => metrics.onModuleDestroy());

  it('shows every family, recorded or not, under unique names', () => {
    const names = families(metrics);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'routeiq_requests_total',
        'routeiq_request_errors_total',
        'routeiq_request_duration_seconds',
        'routeiq_requests_in_flight',
        'gen_ai_client_operation_duration_seconds',
        'gen_ai_client_token_usage',
        'gen_ai_server_time_to_first_token_seconds',
        'gen_ai_server_request_duration_seconds',
        'routeiq_router_decision_duration_seconds',
        'routeiq_router_retries_total',
        'routeiq_router_fallbacks_total',
        'routeiq_deployment_breaker_transitions_total',
        'routeiq_deployment_cooldowns_total',
        'routeiq_deployment_breakers_open',
        'routeiq_quota_rejections_total',
        'routeiq_spend_usd_total',
        'routeiq_mcp_calls_total',
        'routeiq_mcp_call_duration_seconds',
        'routeiq_a2a_calls_total',
        'routeiq_a2a_call_duration_seconds',
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'process_start_time_seconds',
        'nodejs_heap_used_bytes',
        'nodejs_eventloop_lag_seconds',
      ]),
    );
  });

  it('counts a request, its error only from status 400, and its duration', () => {
    metrics.httpRequest('/v1/chat/completions', 'gpt', 'dep-1', 200, 0.3);
    metrics.httpRequest('/v1/chat/completions', 'gpt', 'dep-1', 429, 0.01, 'rate_limited');
    metrics.httpRequest('/v1/models', '', '', 302, 0.001, 'ignored');
    const s = samples(metrics);
    const route = 'route="/v1/chat/completions",model="gpt"';
    expect(s.get(`routeiq_requests_total{${route},deployment="dep-1",status="200"}`)).toBe(1);
    expect(s.get(`routeiq_requests_total{${route},deployment="dep-1",status="429"}`)).toBe(1);
    expect(
      s.get('routeiq_requests_total{route="/v1/models",model="",deployment="",status="302"}'),
    ).toBe(1);
    const errors = [...s.keys()].filter((k) => k.startsWith('routeiq_request_errors_total'));
    expect(errors).toEqual([
      `routeiq_request_errors_total{${route},deployment="dep-1",status="429",code="rate_limited"}`,
    ]);
    expect(s.get(`routeiq_request_duration_seconds_count{${route},status="200"}`)).toBe(1);
    expect(s.get(`routeiq_request_duration_seconds_sum{${route},status="429"}`)).toBe(0.01);
  });

  it('records upstream calls with GenAI attribute names and tokens by type', () => {
    metrics.upstreamCall('chat', 'openai', 'gpt-4o', 'gpt-4o-2024', 'dep-1', 0.5);
    metrics.upstreamCall('chat', 'openai', 'gpt-4o', '', 'dep-2', 30, 'timeout');
    metrics.tokenUsage('chat', 'openai', 'gpt-4o', 'gpt-4o-2024', 120, 8);
    const s = samples(metrics);
    const call =
      'gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o"';
    expect(
      s.get(
        `gen_ai_client_operation_duration_seconds_count{${call},gen_ai_response_model="gpt-4o-2024",error_type="",routeiq_deployment="dep-1"}`,
      ),
    ).toBe(1);
    expect(
      s.get(
        `gen_ai_client_operation_duration_seconds_bucket{${call},gen_ai_response_model="",error_type="timeout",routeiq_deployment="dep-2",le="20.48"}`,
      ),
    ).toBe(0);
    const tokens = `gen_ai_client_token_usage_sum{${call},gen_ai_response_model="gpt-4o-2024"`;
    expect(s.get(`${tokens},gen_ai_token_type="input"}`)).toBe(120);
    expect(s.get(`${tokens},gen_ai_token_type="output"}`)).toBe(8);
  });

  it('records routing, resilience, quota and spend events', () => {
    metrics.routingDecision('cost', 'gpt', 0.00002);
    metrics.routingRetry('gpt', 'dep-1');
    metrics.routingRetry('gpt', 'dep-1');
    metrics.routingFallback('gpt', 'claude', 'rate_limit');
    metrics.breakerTransition('dep-1', 'closed', 'open');
    metrics.cooldownStarted('dep-1');
    metrics.quotaRejected('team', 'total_tokens');
    metrics.spend('gpt', 'dep-1', 'team-a', 0.25);
    metrics.spend('gpt', 'dep-1', 'team-a', 0);
    metrics.spend('gpt', 'dep-1', 'team-a', Number.NaN);
    metrics.spend('gpt', 'dep-1', 'team-b', Infinity);
    const s = samples(metrics);
    expect(
      s.get(
        'routeiq_router_decision_duration_seconds_bucket{strategy="cost",model_group="gpt",le="0.000025"}',
      ),
    ).toBe(1);
    expect(s.get('routeiq_router_retries_total{model_group="gpt",deployment="dep-1"}')).toBe(2);
    expect(
      s.get('routeiq_router_fallbacks_total{from="gpt",to="claude",reason="rate_limit"}'),
    ).toBe(1);
    expect(
      s.get(
        'routeiq_deployment_breaker_transitions_total{deployment="dep-1",from="closed",to="open"}',
      ),
    ).toBe(1);
    expect(s.get('routeiq_deployment_cooldowns_total{deployment="dep-1"}')).toBe(1);
    expect(s.get('routeiq_quota_rejections_total{subject="team",metric="total_tokens"}')).toBe(1);
    const spend = [...s].filter(([k]) => k.startsWith('routeiq_spend_usd_total'));
    expect(spend).toEqual([
      ['routeiq_spend_usd_total{model="gpt",deployment="dep-1",team="team-a"}', 0.25],
    ]);
  });

  it('reads the in-flight and open-breaker sources at scrape time', () => {
    const inFlight = new Map([['/v1/chat/completions', 3]]);
    const open = new Set(['dep-1', 'dep-2']);
    metrics.observeInFlight(() => inFlight);
    metrics.observeOpenBreakers(() => open);
    inFlight.set('/v1/embeddings', 1);
    open.delete('dep-2');
    const s = samples(metrics);
    expect(s.get('routeiq_requests_in_flight{route="/v1/chat/completions"}')).toBe(3);
    expect(s.get('routeiq_requests_in_flight{route="/v1/embeddings"}')).toBe(1);
    expect([...s].filter(([k]) => k.startsWith('routeiq_deployment_breakers_open'))).toEqual([
      ['routeiq_deployment_breakers_open{deployment="dep-1"}', 1],
    ]);
  });

  it('records server-side GenAI, MCP and A2A timings', () => {
    metrics.timeToFirstToken('chat', 'gpt', 0.07);
    metrics.serverRequest('chat', 'gpt', 1.1, 'upstream_error');
    metrics.mcpCall('github', 'tools/call', 'ok', 0.2);
    metrics.a2aCall('planner', 'message/send', 'error', 2);
    const s = samples(metrics);
    expect(
      s.get(
        'gen_ai_server_time_to_first_token_seconds_bucket{gen_ai_operation_name="chat",gen_ai_request_model="gpt",le="0.08"}',
      ),
    ).toBe(1);
    expect(
      s.get(
        'gen_ai_server_request_duration_seconds_count{gen_ai_operation_name="chat",gen_ai_request_model="gpt",error_type="upstream_error"}',
      ),
    ).toBe(1);
    expect(s.get('routeiq_mcp_calls_total{server="github",method="tools/call",status="ok"}')).toBe(
      1,
    );
    expect(
      s.get('routeiq_mcp_call_duration_seconds_sum{server="github",method="tools/call"}'),
    ).toBe(0.2);
    expect(
      s.get('routeiq_a2a_calls_total{agent="planner",method="message/send",status="error"}'),
    ).toBe(1);
    expect(
      s.get('routeiq_a2a_call_duration_seconds_count{agent="planner",method="message/send"}'),
    ).toBe(1);
  });

  it('exposes the same metrics through one OpenTelemetry producer', async () => {
    metrics.cooldownStarted('dep-1');
    expect(metrics.producer()).toBe(metrics.producer());
    const { resourceMetrics } = await metrics.producer().collect();
    const exported = resourceMetrics.scopeMetrics[0]?.metrics ?? [];
    const cooldowns = exported.find((m) => m.descriptor.name === 'routeiq.deployment.cooldowns');
    expect(cooldowns?.dataPointType).toBe(DataPointType.SUM);
    expect(cooldowns?.dataPoints[0]?.attributes).toEqual({ deployment: 'dep-1' });
    expect(exported.map((m) => m.descriptor.name)).toContain('process.cpu.time');
  });
});
