import { GatewayMetrics } from './gateway-metrics';
import { MetricRegistry } from './metric-registry';
import { formatNumber, renderPrometheusText } from './prometheus-text';

function smallRegistry(): MetricRegistry {
  const registry = new MetricRegistry();
  const requests = registry.counter({
    name: 'routeiq.requests',
    prometheusName: 'routeiq_requests_total',
    help: 'Requests with a back\\slash\nand a newline.',
    unit: '{request}',
    labels: ['route', 'gen_ai.request.model'],
  });
  requests.add(3, '/v1/chat', 'say "hi"\\\n');
  requests.add(1.5, '/v1/embeddings', '');
  const duration = registry.histogram({
    name: 'routeiq.request.duration',
    prometheusName: 'routeiq_request_duration_seconds',
    help: 'Duration.',
    unit: 's',
    labels: ['route'],
    buckets: [0.005, 0.5, 2],
  });
  for (const v of [0.001, 0.25, 0.3, 9]) duration.record(v, '/v1/chat');
  registry.gauge(
    { name: 'up', prometheusName: 'up_ratio', help: 'Up.', unit: '1', labels: [] },
    (emit) => emit(Infinity),
  );
  registry.histogram({
    name: 'unused',
    prometheusName: 'unused_seconds',
    help: 'Never recorded.',
    unit: 's',
    labels: ['a'],
    buckets: [1],
  });
  return registry;
}

const EXPECTED = `# HELP routeiq_requests_total Requests with a back\\\\slash\\nand a newline.
# TYPE routeiq_requests_total counter
routeiq_requests_total{route="/v1/chat",gen_ai_request_model="say \\"hi\\"\\\\\\n"} 3
routeiq_requests_total{route="/v1/embeddings",gen_ai_request_model=""} 1.5
# HELP routeiq_request_duration_seconds Duration.
# TYPE routeiq_request_duration_seconds histogram
routeiq_request_duration_seconds_bucket{route="/v1/chat",le="0.005"} 1
routeiq_request_duration_seconds_bucket{route="/v1/chat",le="0.5"} 3
routeiq_request_duration_seconds_bucket{route="/v1/chat",le="2"} 3
routeiq_request_duration_seconds_bucket{route="/v1/chat",le="+Inf"} 4
routeiq_request_duration_seconds_sum{route="/v1/chat"} 9.551
routeiq_request_duration_seconds_count{route="/v1/chat"} 4
# HELP up_ratio Up.
# TYPE up_ratio gauge
up_ratio +Inf
# HELP unused_seconds Never recorded.
# TYPE unused_seconds histogram
`;

// The exposition grammar (0.0.4): name, optional {label="value",...}, one value, no timestamp.
const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const VALUE = '(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[+-]Inf|NaN)';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(?:${LABEL}(?:,${LABEL})*)?\\})? (${VALUE})$`);
const HELP = new RegExp(`^# HELP (${NAME}) (?:[^\\\\\\n]|\\\\[\\\\n])*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);

/** Checks every line against the grammar; returns the families seen and their sample counts. */
function parseExposition(text: string): Map<string, { type: string; samples: number }> {
  expect(text.endsWith('\n')).toBe(true);
  const families = new Map<string, { type: string; samples: number }>();
  let current: { name: string; type: string } | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    const help = HELP.exec(line);
    const type = TYPE.exec(line);
    const sample = SAMPLE.exec(line);
    if (help) continue;
    if (type) {
      current = { name: type[1]!, type: type[2]! };
      expect(families.has(current.name)).toBe(false);
      families.set(current.name, { type: current.type, samples: 0 });
      continue;
    }
    if (!sample || current === undefined) throw new Error(`not in the exposition grammar: ${line}`);
    const suffixes = current.type === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
    expect(suffixes.map((s) => current!.name + s)).toContain(sample[1]);
    families.get(current.name)!.samples++;
  }
  return families;
}

describe(renderPrometheusText.name, () => {
  it('renders HELP, TYPE, escaped labels, cumulative buckets and empty families exactly', () => {
    expect(renderPrometheusText(smallRegistry())).toBe(EXPECTED);
  });

  it('spells special numbers the Prometheus way', () => {
    expect([Infinity, -Infinity, NaN, 42, 0.25, 1e-7, -0].map(formatNumber)).toEqual([
      '+Inf',
      '-Inf',
      'NaN',
      '42',
      '0.25',
      '1e-7',
      '0',
    ]);
  });

  it('keeps every line of a busy gateway registry inside the exposition grammar', () => {
    const metrics = new GatewayMetrics();
    try {
      metrics.httpRequest('/v1/chat/completions', 'gpt-"4o"', 'a\\b', 502, 1.2, 'upstream\nerror');
      metrics.upstreamCall('chat', 'openai', 'gpt-4o', 'gpt-4o-2024', 'dep-1', 0.7, 'timeout');
      metrics.tokenUsage('chat', 'openai', 'gpt-4o', 'gpt-4o', 12, 3400);
      metrics.routingDecision('cost', 'gpt', 0.00003);
      metrics.spend('gpt-4o', 'dep-1', 'team ü', 0.000123);
      metrics.observeInFlight(() => [['/v1/chat/completions', 2]]);
      const families = parseExposition(metrics.prometheusText());
      expect(families.get('routeiq_requests_total')).toEqual({ type: 'counter', samples: 1 });
      // 15 bounds + +Inf + _sum + _count
      expect(families.get('routeiq_request_duration_seconds')?.samples).toBe(18);
      expect(families.get('gen_ai_client_token_usage')?.samples).toBe(2 * 17);
      expect(families.get('routeiq_mcp_calls_total')).toEqual({ type: 'counter', samples: 0 });
      expect(families.get('process_cpu_seconds_total')).toEqual({ type: 'counter', samples: 1 });
    } finally {
      metrics.onModuleDestroy();
    }
  });

  it('rejects a line outside the grammar (the checker itself can fail)', () => {
    expect(() => parseExposition('# TYPE a counter\na{b="c\n"} 1\n')).toThrow(/grammar/);
    expect(() => parseExposition('# TYPE a counter\na 1 2 3\n')).toThrow(/grammar/);
  });
});
