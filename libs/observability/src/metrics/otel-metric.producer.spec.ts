import { ValueType } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricData,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { MetricRegistry } from './metric-registry';
import { METRICS_SCOPE_NAME, RegistryMetricProducer } from './otel-metric.producer';

describe(RegistryMetricProducer.name, () => {
  let registry: MetricRegistry;
  let exporter: InMemoryMetricExporter;
  let reader: PeriodicExportingMetricReader;
  let provider: MeterProvider;

  beforeEach(() => {
    registry = new MetricRegistry();
    exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    reader = new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: 3_600_000,
      metricProducers: [new RegistryMetricProducer(registry)],
    });
    provider = new MeterProvider({ readers: [reader] });
  });

  afterEach(() => provider.shutdown());

  /** Runs one export through the SDK and returns the scopes it exported. */
  async function exportOnce(): Promise<ScopeMetrics[]> {
    exporter.reset();
    await reader.forceFlush();
    return exporter.getMetrics().flatMap((resourceMetrics) => resourceMetrics.scopeMetrics);
  }

  async function exported(name: string): Promise<MetricData> {
    const scope = (await exportOnce()).find((s) => s.scope.name === METRICS_SCOPE_NAME);
    const metric = scope?.metrics.find((m) => m.descriptor.name === name);
    if (metric === undefined) throw new Error(`${name} was not exported`);
    return metric;
  }

  it('exports counters as monotonic cumulative sums keyed by OpenTelemetry attribute names', async () => {
    const before = Date.now();
    const counter = registry.counter({
      name: 'routeiq.requests',
      prometheusName: 'routeiq_requests_total',
      help: 'Requests.',
      unit: '{request}',
      labels: ['route', 'gen_ai.request.model', 'code'],
    });
    counter.add(2, '/v1/chat', 'gpt-4o', '');
    counter.add(1, '/v1/chat', 'gpt-4o', '');

    const metric = await exported('routeiq.requests');

    expect(metric.descriptor).toEqual({
      name: 'routeiq.requests',
      description: 'Requests.',
      unit: '{request}',
      valueType: ValueType.DOUBLE,
    });
    expect(metric.dataPointType).toBe(DataPointType.SUM);
    expect(metric.aggregationTemporality).toBe(AggregationTemporality.CUMULATIVE);
    if (metric.dataPointType !== DataPointType.SUM) throw new Error('not a sum');
    expect(metric.isMonotonic).toBe(true);
    const [point] = metric.dataPoints;
    // An empty label value is an unset attribute.
    expect(point?.attributes).toEqual({ route: '/v1/chat', 'gen_ai.request.model': 'gpt-4o' });
    expect(point?.value).toBe(3);
    const start = hrTimeToMilliseconds(point!.startTime);
    expect(start).toBeGreaterThanOrEqual(before - 1);
    expect(hrTimeToMilliseconds(point!.endTime)).toBeGreaterThanOrEqual(start);
  });

  it('exports histograms with per-bucket counts, sum, count, min and max', async () => {
    const histogram = registry.histogram({
      name: 'gen_ai.client.operation.duration',
      prometheusName: 'gen_ai_client_operation_duration_seconds',
      help: 'Duration.',
      unit: 's',
      labels: ['gen_ai.operation.name'],
      buckets: [0.1, 1],
    });
    for (const v of [0.05, 0.5, 0.7, 3]) histogram.record(v, 'chat');

    const metric = await exported('gen_ai.client.operation.duration');

    if (metric.dataPointType !== DataPointType.HISTOGRAM) throw new Error('not a histogram');
    expect(metric.aggregationTemporality).toBe(AggregationTemporality.CUMULATIVE);
    expect(metric.dataPoints[0]?.attributes).toEqual({ 'gen_ai.operation.name': 'chat' });
    expect(metric.dataPoints[0]?.value).toEqual({
      buckets: { boundaries: [0.1, 1], counts: [1, 2, 1] },
      sum: 4.25,
      count: 4,
      min: 0.05,
      max: 3,
    });
  });

  it('exports gauges read at collection time, and stays cumulative across exports', async () => {
    let inFlight = 2;
    registry.gauge(
      { name: 'g', prometheusName: 'g', help: 'G.', unit: '{request}', labels: ['route'] },
      (emit) => emit(inFlight, '/v1/chat'),
    );
    const counter = registry.counter({
      name: 'c',
      prometheusName: 'c_total',
      help: 'C.',
      unit: '1',
      labels: [],
    });
    counter.add(1);
    await exportOnce();
    inFlight = 5;
    counter.add(1);

    const gauge = await exported('g');
    expect(gauge.dataPointType).toBe(DataPointType.GAUGE);
    expect(gauge.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [{ route: '/v1/chat' }, 5],
    ]);
    expect((await exported('c')).dataPoints.map((p) => p.value)).toEqual([2]);
  });

  it('sits beside the SDK own instruments and reports a failing gauge source as an error', async () => {
    provider.getMeter('sdk-side').createCounter('sdk.counter').add(1);
    registry.gauge(
      { name: 'bad', prometheusName: 'bad', help: 'B.', unit: '1', labels: [] },
      () => {
        throw new Error('source down');
      },
    );
    registry
      .counter({ name: 'ok', prometheusName: 'ok_total', help: 'O.', unit: '1', labels: [] })
      .add(1);

    const producer = new RegistryMetricProducer(registry);
    const result = await producer.collect();
    expect(result.errors).toEqual([new Error('source down')]);
    const scopes = await exportOnce();
    expect(scopes.map((s) => s.scope.name).sort()).toEqual([METRICS_SCOPE_NAME, 'sdk-side']);
    const ours = scopes.find((s) => s.scope.name === METRICS_SCOPE_NAME);
    expect(ours?.metrics.map((m) => m.descriptor.name)).toEqual(['ok']);
  });

  it('exports no scope while nothing has been recorded', async () => {
    registry.counter({ name: 'c', prometheusName: 'c_total', help: 'C.', unit: '1', labels: [] });
    const result = await new RegistryMetricProducer(registry).collect();
    expect(result.resourceMetrics.scopeMetrics).toEqual([]);
    expect(await exportOnce()).toEqual([]);
  });
});
