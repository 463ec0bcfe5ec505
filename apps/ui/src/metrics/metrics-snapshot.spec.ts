import { parsePrometheusText } from './prometheus-parser';
import { isTrafficRoute, summarizeMetrics } from './metrics-snapshot';

const TEXT = `
routeiq_requests_total{route="/v1/chat/completions",model="demo",deployment="d1",status="200"} 4
routeiq_requests_total{route="/v1/chat/completions",model="",deployment="",status="404"} 1
routeiq_requests_total{route="/metrics",model="",deployment="",status="200"} 30
routeiq_requests_total{route="/key/list",model="",deployment="",status="200"} 3
routeiq_request_errors_total{route="/v1/chat/completions",model="",deployment="",status="404",code="model_not_found"} 1
routeiq_request_errors_total{route="/key/list",model="",deployment="",status="401",code="invalid_admin_key"} 2
routeiq_request_duration_seconds_bucket{route="/v1/chat/completions",model="demo",status="200",le="0.1"} 3
routeiq_request_duration_seconds_bucket{route="/v1/chat/completions",model="demo",status="200",le="+Inf"} 4
routeiq_request_duration_seconds_bucket{route="/v1/embeddings",model="e",status="200",le="0.1"} 1
routeiq_request_duration_seconds_bucket{route="/v1/embeddings",model="e",status="200",le="+Inf"} 1
routeiq_request_duration_seconds_bucket{route="/metrics",model="",status="200",le="0.1"} 30
routeiq_request_duration_seconds_bucket{route="/metrics",model="",status="200",le="+Inf"} 30
gen_ai_client_token_usage_sum{gen_ai_operation_name="chat",gen_ai_token_type="input"} 12
gen_ai_client_token_usage_sum{gen_ai_operation_name="chat",gen_ai_token_type="output"} 34
gen_ai_client_token_usage_count{gen_ai_operation_name="chat",gen_ai_token_type="output"} 2
routeiq_spend_usd_total{model="demo",deployment="d1",team=""} 0.5
routeiq_spend_usd_total{model="gpt",deployment="d2",team="t"} 0.25
routeiq_requests_in_flight{route="/metrics"} 1
routeiq_requests_in_flight{route="/v1/chat/completions"} 2
`;

describe(summarizeMetrics.name, () => {
  it("adds up traffic, leaving out the console's own calls and scrapes", () => {
    const snapshot = summarizeMetrics(parsePrometheusText(TEXT), 1000);
    expect(snapshot).toEqual({
      at: 1000,
      requests: 5,
      errors: 1,
      latency: [
        [0.1, 4],
        [Infinity, 5],
      ],
      inputTokens: 12,
      outputTokens: 34,
      spendUsd: 0.75,
      inFlight: 2,
    });
  });

  it('is all zeros for a gateway that has served nothing yet', () => {
    expect(summarizeMetrics([], 5)).toMatchObject({ requests: 0, latency: [], spendUsd: 0 });
  });
});

describe(isTrafficRoute.name, () => {
  it('keeps inference, MCP and A2A calls and drops control-plane routes', () => {
    expect(isTrafficRoute('/v1/chat/completions')).toBe(true);
    expect(isTrafficRoute('/mcp')).toBe(true);
    expect(isTrafficRoute('/a2a/:id')).toBe(true);
    expect(isTrafficRoute('unmatched')).toBe(true);
    expect(isTrafficRoute('/a2a/agents')).toBe(false);
    expect(isTrafficRoute('/router/info')).toBe(false);
    expect(isTrafficRoute('/ui/*path')).toBe(false);
    expect(isTrafficRoute('/_health/ready')).toBe(false);
  });
});
