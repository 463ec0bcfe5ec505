// Self-test of the observability e2e tooling (no gateway): the OTLP receiver must read what the real
// OTel exporters send, and the Prometheus parser must accept real exporter output and reject bad text.
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import {
  childrenOf,
  spanTree,
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedRequest,
  type ReceivedSpan,
} from './support/otlp-receiver';
import { parsePrometheusText, sampleValue, seriesOf } from './support/prometheus-parser';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const MS = 1_700_000_000_000;
const nanos = (ms: number): bigint => BigInt(ms) * 1_000_000n;

// Jest runs specs in vm contexts without --experimental-vm-modules, where the OTLP exporters'
// `import('http')` throws; so the real exporters run in a plain Node child, as in a gateway process.
// Ids are fixed so the JSON and protobuf runs can be compared whole.
const EXPORT_SCRIPT = String.raw`
const api = require('@opentelemetry/api');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
api.diag.setLogger(new api.DiagConsoleLogger(), api.DiagLogLevel.WARN);
const { OTLP_URL: url, OTLP_ENCODING: encoding, TRACE_ID, START_MS } = process.env;
const ms = Number(START_MS);
const proto = encoding === 'protobuf';
const config = (path) => ({ url: url + path, compression: proto ? 'gzip' : 'none' });
const pkg = (signal) => '@opentelemetry/exporter-' + signal + '-otlp-' + (proto ? 'proto' : 'http');
async function traces() {
  let next = 0;
  const idGenerator = {
    generateTraceId: () => TRACE_ID,
    generateSpanId: () => (++next).toString(16).padStart(16, '0'),
  };
  const exporter = new (require(pkg('trace')).OTLPTraceExporter)(config('/v1/traces'));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'routeiq-selftest' }),
    idGenerator,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('selftest-scope');
  const parent = tracer.startSpan('POST /v1/chat/completions', {
    kind: api.SpanKind.SERVER,
    startTime: ms,
    attributes: { 'http.request.method': 'POST', 'http.response.status_code': 502 },
  });
  const child = tracer.startSpan('upstream openai', {
    kind: api.SpanKind.CLIENT,
    startTime: ms + 1,
    attributes: { ratio: 0.25, streamed: false, models: ['a', 'b'], tries: [1, 2] },
  }, api.trace.setSpan(api.context.active(), parent));
  child.addEvent('retry', { 'retry.attempt': 2 }, ms + 2);
  child.setStatus({ code: api.SpanStatusCode.ERROR, message: 'upstream 503' });
  child.end(ms + 3);
  parent.end(ms + 4);
  await provider.shutdown();
}
async function metrics() {
  const exporter = new (require(pkg('metrics')).OTLPMetricExporter)(config('/v1/metrics'));
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60000 });
  const provider = new MeterProvider({ readers: [reader] });
  provider.getMeter('selftest').createCounter('gateway.requests').add(1);
  await provider.shutdown();
}
traces().then(metrics).catch((err) => { console.error(err); process.exitCode = 1; });
`;

interface ExportRun {
  readonly spans: ReceivedSpan[];
  readonly metricNames: string[];
  readonly requests: ReceivedRequest[];
  readonly errors: string[];
  readonly stderr: string;
}

async function exportFromNode(receiver: OtlpReceiver, encoding: string): Promise<ExportRun> {
  receiver.clear();
  const { stderr } = await promisify(execFile)(process.execPath, ['-e', EXPORT_SCRIPT], {
    cwd: resolve(__dirname, '..'),
    env: {
      ...process.env,
      OTLP_URL: receiver.url,
      OTLP_ENCODING: encoding,
      TRACE_ID,
      START_MS: `${MS}`,
    },
    timeout: 20_000,
  });
  // SimpleSpanProcessor sends each span in its own request as it ends; a loaded machine may deliver
  // the parent's before the child's, so the spans are compared in span-id order, not arrival order.
  const received = await receiver.waitForSpans((all) => all.length === 2, 2_000);
  const spans = [...received].sort((a, b) => a.spanId.localeCompare(b.spanId));
  const { metricNames, requests, errors } = receiver;
  return { spans, metricNames: metricNames(), requests: requests(), errors: errors(), stderr };
}

const EXPECTED_CHILD = {
  traceId: TRACE_ID,
  spanId: '0000000000000002',
  parentSpanId: '0000000000000001',
  name: 'upstream openai',
  kind: 'CLIENT',
  startTimeUnixNano: nanos(MS + 1),
  endTimeUnixNano: nanos(MS + 3),
  attributes: { ratio: 0.25, streamed: false, models: ['a', 'b'], tries: [1, 2] },
  events: [{ name: 'retry', timeUnixNano: nanos(MS + 2), attributes: { 'retry.attempt': 2 } }],
  status: { code: 'ERROR', message: 'upstream 503' },
  resource: expect.objectContaining({ 'service.name': 'routeiq-selftest' }),
  scope: 'selftest-scope',
};
const EXPECTED_PARENT = {
  ...EXPECTED_CHILD,
  spanId: '0000000000000001',
  parentSpanId: undefined,
  name: 'POST /v1/chat/completions',
  kind: 'SERVER',
  startTimeUnixNano: nanos(MS),
  endTimeUnixNano: nanos(MS + 4),
  attributes: { 'http.request.method': 'POST', 'http.response.status_code': 502 },
  events: [],
  status: { code: 'UNSET' },
};

const post = (url: string, contentType: string, body: string | Buffer, gzip = false) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
    body: gzip ? gzipSync(body) : body,
  });

const HAND_WRITTEN_SPAN = {
  traceId: TRACE_ID.toUpperCase(),
  spanId: 'ABCDEF0123456789',
  name: 'consume',
  kind: 'SPAN_KIND_CONSUMER',
  startTimeUnixNano: '1700000000000000001',
  endTimeUnixNano: 1700000000000000,
  attributes: [
    { key: 'n', value: { intValue: '7' } },
    { key: 'e', value: {} },
  ],
  status: { code: 1 },
};
const tracesBody = (spans: unknown[]): string =>
  JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });

describe('OTLP receiver (e2e support)', () => {
  let receiver: OtlpReceiver;
  const runs: Record<string, ExportRun> = {};

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    runs.json = await exportFromNode(receiver, 'json');
    runs.protobuf = await exportFromNode(receiver, 'protobuf');
  });
  afterAll(() => receiver.close());

  it.each(['json', 'protobuf'])('reads the spans and metrics the %s exporters send', (encoding) => {
    const run = runs[encoding]!;
    expect(run.spans).toEqual([EXPECTED_PARENT, EXPECTED_CHILD]);
    expect(run.spans[0]).not.toHaveProperty('parentSpanId');
    expect(run.metricNames).toEqual(['gateway.requests']);
    expect(run.errors).toEqual([]);
    expect(run.stderr).toBe('');
    expect(spanTree(run.spans, TRACE_ID)).toBe('POST /v1/chat/completions\n  upstream openai');
  });

  it('normalises both encodings to the identical shape', () => {
    expect(runs.protobuf!.spans).toEqual(runs.json!.spans);
    const paths = (run: ExportRun) => run.requests.map((r) => [r.path, r.contentType]);
    expect(paths(runs.json!)).toEqual([
      ['/v1/traces', 'application/json'],
      ['/v1/traces', 'application/json'],
      ['/v1/metrics', 'application/json'],
    ]);
    expect(paths(runs.protobuf!)).toEqual([
      ['/v1/traces', 'application/x-protobuf'],
      ['/v1/traces', 'application/x-protobuf'],
      ['/v1/metrics', 'application/x-protobuf'],
    ]);
    expect(runs.protobuf!.requests[0]?.headers['content-encoding']).toBe('gzip');
  });

  it('accepts gzipped hand-written OTLP JSON: enum names, int64 strings, upper-case ids', async () => {
    receiver.clear();
    const url = `${receiver.url}/v1/traces`;
    const res = await post(url, 'application/json', tracesBody([HAND_WRITTEN_SPAN]), true);
    expect(res.status).toBe(200);
    await expect(res.json()).resolves.toEqual({});
    expect(receiver.spans()).toEqual([
      {
        traceId: TRACE_ID,
        spanId: 'abcdef0123456789',
        name: 'consume',
        kind: 'CONSUMER',
        startTimeUnixNano: 1700000000000000001n,
        endTimeUnixNano: 1700000000000000n,
        attributes: { n: 7, e: null },
        events: [],
        status: { code: 'OK' },
        resource: {},
        scope: '',
      },
    ]);
    const metrics = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'a.b' }] }] }] };
    await post(`${receiver.url}/v1/metrics`, 'application/json', JSON.stringify(metrics));
    expect(receiver.metricNames()).toEqual(['a.b']);
  });

  it('rejects what it cannot read, keeps nothing from it, and says why', async () => {
    receiver.clear();
    const url = `${receiver.url}/v1/traces`;
    const base64Ids = tracesBody([{ ...HAND_WRITTEN_SPAN, traceId: 'CvdlGRbNQ92ERI6yERwDGc==' }]);
    const badKind = tracesBody([HAND_WRITTEN_SPAN, { ...HAND_WRITTEN_SPAN, kind: 9 }]);
    expect((await post(url, 'application/x-protobuf', Buffer.from([0x0a, 0xff]))).status).toBe(400);
    expect((await post(url, 'application/json', '{"resourceSpans":')).status).toBe(400);
    expect((await post(url, 'application/json', base64Ids)).status).toBe(400);
    expect((await post(url, 'application/json', badKind)).status).toBe(400);
    const notGzip = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
    expect((await fetch(url, { method: 'POST', headers: notGzip, body: '{}' })).status).toBe(400);
    expect((await post(url, 'text/plain', 'hello')).status).toBe(415);
    expect((await post(`${receiver.url}/v1/profiles`, 'application/json', '{}')).status).toBe(404);
    expect((await fetch(url)).status).toBe(404);
    expect(receiver.spans()).toEqual([]);
    expect(receiver.errors()).toHaveLength(8);
    expect(receiver.errors()[2]).toMatch(/400 id "CvdlGRbNQ92ERI6yERwDGc==" is not 32 hex digits/);
    expect(receiver.errors()[3]).toMatch(/unknown SPAN_KIND_\* value 9/);
  });

  it('waitForSpans times out naming the spans it did receive', async () => {
    receiver.clear();
    await post(`${receiver.url}/v1/traces`, 'application/json', tracesBody([HAND_WRITTEN_SPAN]));
    await expect(
      receiver.waitForSpans((s) => s.some((x) => x.name === 'never'), 100),
    ).rejects.toThrow('no matching spans after 100 ms; received: consume');
  });

  it('childrenOf and spanTree follow parent links and flag missing parents', () => {
    const [parent, child] = runs.json!.spans;
    expect(childrenOf(runs.json!.spans, parent!)).toEqual([child]);
    expect(childrenOf(runs.json!.spans, child!)).toEqual([]);
    expect(spanTree([child!], TRACE_ID)).toBe('upstream openai (parent 0000000000000001 missing)');
    expect(spanTree(runs.json!.spans, 'f'.repeat(32))).toBe(
      `(no spans in trace ${'f'.repeat(32)})`,
    );
  });
});

const VALID = String.raw`# a plain comment is ignored
# HELP http_requests_total Requests by \\ route\nsecond line
# TYPE http_requests_total counter
http_requests_total{route="/v1/chat",code="200"} 1027 1395066363000
http_requests_total{route="say \"hi\" \\ \n",code="500"} 3
# TYPE temperature gauge
temperature -1.5e-05
# HELP latency_seconds Latency.
# TYPE latency_seconds histogram
# UNIT latency_seconds seconds
latency_seconds_count{model="a"} 3
latency_seconds_sum{model="a"} 0.75
latency_seconds_bucket{model="a",le="0.1"} 1
latency_seconds_bucket{model="a",le="1"} 3
latency_seconds_bucket{model="a",le="+Inf"} 3
latency_seconds_bucket { model="b" , le="1" , } 0
latency_seconds_bucket{model="b",le="+Inf"} 0
latency_seconds_sum{model="b"} 0
latency_seconds_count{model="b"} 0
# TYPE rpc_seconds summary
rpc_seconds{quantile="0.5"} NaN
rpc_seconds_sum 0
rpc_seconds_count 0
untyped_thing +Inf
`;

describe(parsePrometheusText.name, () => {
  it('parses counters, gauges, histograms and summaries with escaping', () => {
    const families = parsePrometheusText(VALID);
    expect([...families.keys()]).toEqual([
      'http_requests_total',
      'temperature',
      'latency_seconds',
      'rpc_seconds',
      'untyped_thing',
    ]);
    expect(families.get('http_requests_total')).toEqual({
      name: 'http_requests_total',
      type: 'counter',
      help: 'Requests by \\ route\nsecond line',
      samples: [
        { name: 'http_requests_total', labels: { route: '/v1/chat', code: '200' }, value: 1027 },
        { name: 'http_requests_total', labels: { route: 'say "hi" \\ \n', code: '500' }, value: 3 },
      ],
    });
    expect(families.get('temperature')).toMatchObject({
      type: 'gauge',
      samples: [{ value: -1.5e-5 }],
    });
    expect(families.get('latency_seconds')).toMatchObject({ type: 'histogram', help: 'Latency.' });
    expect(seriesOf(families, 'latency_seconds')).toHaveLength(9);
    expect(sampleValue(families, 'latency_seconds_bucket', { model: 'a', le: '1' })).toBe(3);
    expect(sampleValue(families, 'latency_seconds_sum', { model: 'a' })).toBe(0.75);
    expect(sampleValue(families, 'rpc_seconds', {})).toBeNaN();
    expect(sampleValue(families, 'untyped_thing')).toBe(Infinity);
    expect(families.get('untyped_thing')?.type).toBe('untyped');
    expect(sampleValue(families, 'latency_seconds_sum', { model: 'c' })).toBeUndefined();
    expect(() => sampleValue(families, 'latency_seconds_count', {})).toThrow(/2 samples/);
    expect(() => seriesOf(families, 'nope')).toThrow(/no metric family nope; have: http_requests/);
    expect(parsePrometheusText('')).toEqual(new Map());
  });

  it('accepts what the OTel Prometheus exporter writes', async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const meterProvider = new MeterProvider({ readers: [exporter] });
    const meter = meterProvider.getMeter('selftest');
    meter.createCounter('gateway.requests').add(2, { route: 'chat "x"' });
    const histogram = meter.createHistogram('gateway.latency', {
      unit: 's',
      advice: { explicitBucketBoundaries: [0.1, 1] },
    });
    [0.02, 0.3, 7].forEach((v) => histogram.record(v, { model: 'gpt' }));
    const { resourceMetrics } = await exporter.collect();
    const families = parsePrometheusText(new PrometheusSerializer().serialize(resourceMetrics));
    await meterProvider.shutdown();
    expect(sampleValue(families, 'gateway_requests_total', { route: 'chat "x"' })).toBe(2);
    expect(families.get('gateway_latency')?.type).toBe('histogram');
    expect(sampleValue(families, 'gateway_latency_count', { model: 'gpt' })).toBe(3);
    expect(sampleValue(families, 'gateway_latency_bucket', { le: '1' })).toBe(2);
    expect(sampleValue(families, 'gateway_latency_bucket', { le: '+Inf' })).toBe(3);
  });

  const H = '# TYPE h histogram\n';
  it.each([
    ['a bad metric name', 'ok 1\n1abc 1\n', 2, /invalid metric name "1abc"/],
    ['a bad label name', 'm{a-b="x"} 1\n', 1, /expected name="value"|invalid label name/],
    ['a label name starting with a digit', 'm{1a="x"} 1\n', 1, /invalid label name "1a"/],
    ['an unescaped quote', 'm{a="x"y"} 1\n', 1, /expected "," or "}"/],
    ['a bad label escape', 'm{a="x\\t"} 1\n', 1, /invalid escape sequence "\\t"/],
    ['a bad HELP escape', '# HELP m a \\"quote\\"\n', 1, /invalid escape sequence/],
    ['an unterminated label value', 'm{a="x} 1\n', 1, /unterminated value/],
    ['a duplicate label name', 'm{a="1",a="2"} 1\n', 1, /duplicate label name "a"/],
    ['a histogram part without TYPE', 'h_bucket{le="1"} 1\n', 1, /no TYPE line/],
    ['a histogram part after HELP only', '# HELP h x\nh_count 1\n', 2, /no TYPE line/],
    ['a duplicate TYPE', '# TYPE m gauge\n# TYPE m gauge\n', 2, /second TYPE line for m/],
    ['a duplicate HELP', '# HELP m a\n# HELP m b\n', 2, /second HELP line for m/],
    ['a TYPE after samples', 'm 1\n# TYPE m gauge\n', 2, /TYPE line after samples of m/],
    ['an unknown type', '# TYPE m meter\n', 1, /unknown metric type "meter"/],
    ['a non-numeric value', 'm 1,5\n', 1, /value "1,5" is not a number/],
    ['"inf" spelled loosely', 'm inf\n', 1, /value "inf" is not a number/],
    ['a bad timestamp', 'm 1 12.5\n', 1, /timestamp "12.5"/],
    ['extra tokens', 'm 1 2 3\n', 1, /expected a value and an optional timestamp/],
    ['no value', 'm{a="b"}\n', 1, /expected a value/],
    ['non-contiguous samples', 'a 1\nb 1\na{x="y"} 2\n', 3, /family a are not contiguous/],
    ['a duplicate series', 'm{a="1",b="2"} 1\nm{b="2",a="1"} 2\n', 2, /duplicate series/],
    ['a sample that does not fit its family', '# TYPE h histogram\nh 1\n', 2, /not a valid sample/],
    [
      'buckets out of order',
      `${H}h_bucket{le="2"} 1\nh_bucket{le="1"} 1\n`,
      3,
      /does not increase/,
    ],
    ['no +Inf bucket', `${H}h_bucket{le="1"} 1\nh_sum 1\nh_count 1\n`, 2, /not \+Inf/],
    ['decreasing bucket counts', `${H}h_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\n`, 3, /decrease/],
    ['_count unequal to +Inf', `${H}h_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n`, 2, /_count 3/],
    ['a missing _sum', `${H}h_bucket{le="+Inf"} 2\nh_count 2\n`, 2, /no _sum/],
    ['a bucket without le', `${H}h_bucket 2\n`, 2, /no "le" label/],
    ['no final line feed', 'm 1', 1, /must end with a line feed/],
  ])('rejects %s', (_what, text, line, reason) => {
    expect(() => parsePrometheusText(text)).toThrow(reason);
    expect(() => parsePrometheusText(text)).toThrow(new RegExp(`^Prometheus text, line ${line}:`));
  });
});
