import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  AggregationTemporality,
  InstrumentType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startOtlpReceiver, type OtlpReceiver } from '../../../../test/support/otlp-receiver';
import { createOtlpMetricExporter } from './otlp-metric.exporter';

/** Collects one counter through a reader on `exporter` and sends it. */
async function exportCounter(exporter: PushMetricExporter, name: string): Promise<void> {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({ readers: [reader] });
  provider.getMeter('spec').createCounter(name).add(3);
  await reader.forceFlush();
  await provider.shutdown();
}

function exportOnce(exporter: PushMetricExporter, metrics: ResourceMetrics): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(metrics, resolve));
}

describe(createOtlpMetricExporter.name, () => {
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver.close());
  beforeEach(() => receiver.clear());

  it('sends OTLP/HTTP protobuf metrics to the endpoint, with the configured headers', async () => {
    const exporter = createOtlpMetricExporter({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=blue',
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-signal=metrics',
    });
    await exportCounter(exporter, 'gateway.spec.requests');

    expect(receiver.errors()).toEqual([]);
    expect(receiver.metricNames()).toEqual(['gateway.spec.requests']);
    const [request] = receiver.requests();
    expect(request).toMatchObject({ path: '/v1/metrics', contentType: 'application/x-protobuf' });
    expect(request!.headers).toMatchObject({ 'x-tenant': 'blue', 'x-signal': 'metrics' });
  });

  it('takes the metrics endpoint over the general one, and compresses when asked', async () => {
    const exporter = createOtlpMetricExporter({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9/nowhere',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/v1/metrics`,
      OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: 'gzip',
    });
    await exportCounter(exporter, 'gateway.spec.gzipped');

    expect(receiver.metricNames()).toEqual(['gateway.spec.gzipped']);
    expect(receiver.requests()[0]!.headers['content-encoding']).toBe('gzip');
  });

  it('reports a refused export as failed, with the status the collector answered', async () => {
    const refusing: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(400).end('bad'));
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const { port } = refusing.address() as AddressInfo;
    try {
      let exported: ResourceMetrics | undefined;
      const capture: PushMetricExporter = {
        export: (metrics, done) => {
          exported = metrics;
          done({ code: ExportResultCode.SUCCESS });
        },
        forceFlush: () => Promise.resolve(),
        shutdown: () => Promise.resolve(),
      };
      await exportCounter(capture, 'gateway.spec.refused');
      const exporter = createOtlpMetricExporter({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      });

      const result = await exportOnce(exporter, exported!);

      expect(result.code).toBe(ExportResultCode.FAILED);
      expect(result.error?.message).toMatch(/HTTP 400/);
      await exporter.shutdown();
    } finally {
      await new Promise((resolve) => refusing.close(resolve));
    }
  });

  it('sends an export again when the collector answers 503, after its Retry-After', async () => {
    let attempts = 0;
    const busy: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        attempts += 1;
        if (attempts === 1) res.writeHead(503, { 'retry-after': '0' }).end();
        else res.end();
      });
    });
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      let exported: ResourceMetrics | undefined;
      await exportCounter(
        {
          export: (metrics, done) => {
            exported = metrics;
            done({ code: ExportResultCode.SUCCESS });
          },
          forceFlush: () => Promise.resolve(),
          shutdown: () => Promise.resolve(),
        },
        'gateway.spec.retried',
      );
      const exporter = createOtlpMetricExporter({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      });

      const result = await exportOnce(exporter, exported!);

      expect(result).toEqual({ code: ExportResultCode.SUCCESS });
      expect(attempts).toBe(2);
      await exporter.shutdown();
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('selects temporality as the SDK exporter does (cumulative, or the preference)', () => {
    const cumulative = createOtlpMetricExporter({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    expect(cumulative.selectAggregationTemporality!(InstrumentType.COUNTER)).toBe(
      AggregationTemporality.CUMULATIVE,
    );
    const previous = process.env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE;
    process.env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE = 'delta';
    try {
      const delta = createOtlpMetricExporter({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
      expect(delta.selectAggregationTemporality!(InstrumentType.COUNTER)).toBe(
        AggregationTemporality.DELTA,
      );
    } finally {
      if (previous === undefined)
        delete process.env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE;
      else process.env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE = previous;
    }
  });

  it('refuses bad settings naming the variable', () => {
    expect(() => createOtlpMetricExporter({ OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: 'soon' })).toThrow(
      /OTEL_EXPORTER_OTLP_METRICS_TIMEOUT/,
    );
  });
});
