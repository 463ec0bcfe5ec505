import { ConfigValidationError } from '@routeiq/config';
import {
  fastOtlpTraceExportApplies,
  gatewayTransportApplies,
  resolveOtlpTraceExportConfig,
} from './otlp-trace-export.config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    resolveOtlpTraceExportConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems.map((p) => p.path);
    throw error;
  }
  throw new Error('expected a ConfigValidationError');
}

describe(resolveOtlpTraceExportConfig.name, () => {
  it('defaults to localhost:4318, no headers, 10 s, no compression', () => {
    expect({ ...resolveOtlpTraceExportConfig({}) }).toEqual({
      url: 'http://localhost:4318/v1/traces',
      headers: {},
      timeoutMillis: 10_000,
      compression: 'none',
    });
  });

  it.each([
    ['http://collector:4318', 'http://collector:4318/v1/traces'],
    ['http://collector:4318/', 'http://collector:4318/v1/traces'],
    ['https://otel.example.com/prefix/', 'https://otel.example.com/prefix/v1/traces'],
  ])('appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT %s', (base, url) => {
    expect(resolveOtlpTraceExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: base }).url).toBe(url);
  });

  it('uses OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as-is over the general endpoint', () => {
    const config = resolveOtlpTraceExportConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://otel_collector:9999/custom',
    });

    expect(config.url).toBe('http://otel_collector:9999/custom');
  });

  it('merges URL-decoded headers, the traces-specific ones winning', () => {
    const config = resolveOtlpTraceExportConfig({
      OTEL_EXPORTER_OTLP_HEADERS:
        'Authorization=Basic%20abc%3D%3D, x-tenant = acme ,,shared=general',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'shared=traces,x-extra=a%2Cb',
    });

    expect(config.headers).toEqual({
      authorization: 'Basic abc==',
      'x-tenant': 'acme',
      shared: 'traces',
      'x-extra': 'a,b',
    });
  });

  it('prefers the traces-specific timeout and compression', () => {
    const config = resolveOtlpTraceExportConfig({
      OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '200',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip',
    });

    expect([config.timeoutMillis, config.compression]).toEqual([200, 'gzip']);
  });

  it('names every bad variable at once, never echoing a header value', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '-1',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli',
      OTEL_EXPORTER_OTLP_HEADERS: 'secret-token-without-equals',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-bad=%E0%A4%A,bad header=v,x-ok=line%0Abreak',
    };

    expect(problemsOf(env)).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
      'OTEL_EXPORTER_OTLP_COMPRESSION',
      'OTEL_EXPORTER_OTLP_HEADERS',
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
    ]);
    expect(() => resolveOtlpTraceExportConfig(env)).toThrow(/entry 1 is not a key=value pair/);
    expect(() => resolveOtlpTraceExportConfig(env)).not.toThrow(/secret-token/);
  });

  it('rejects a timeout that is not a number', () => {
    expect(problemsOf({ OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' })).toEqual([
      'OTEL_EXPORTER_OTLP_TIMEOUT',
    ]);
  });
});

describe(fastOtlpTraceExportApplies.name, () => {
  it.each([
    [{}, true],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }, true],
    [
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' },
      true,
    ],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }, false],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, false],
    [{ OTEL_TRACES_EXPORTER: 'otlp,console' }, false],
    [{ OTEL_TRACES_EXPORTER: 'none' }, false],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, false],
    [{ OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: '/etc/ca.pem' }, false],
    [{ OTEL_EXPORTER_OTLP_CLIENT_KEY: '/etc/key.pem' }, false],
  ])('%j → %s', (env, applies) => {
    expect(fastOtlpTraceExportApplies(env)).toBe(applies);
  });
});

describe('the metrics signal', () => {
  it('resolves the metrics endpoint, headers, timeout and compression, never the traces ones', () => {
    const config = resolveOtlpTraceExportConfig(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/v1/traces',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-traces=1',
        OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-metrics=1',
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '1000',
        OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: 'gzip',
      },
      'METRICS',
    );
    expect(config).toEqual({
      url: 'http://collector:4318/v1/metrics',
      headers: { 'x-metrics': '1' },
      timeoutMillis: 10_000,
      compression: 'gzip',
    });
    expect(
      resolveOtlpTraceExportConfig(
        { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://m:1/x' },
        'METRICS',
      ).url,
    ).toBe('http://m:1/x');
    expect(resolveOtlpTraceExportConfig({}, 'METRICS').url).toBe(
      'http://localhost:4318/v1/metrics',
    );
  });

  it('sends through the gateway transport for http/protobuf without TLS files, per signal', () => {
    expect(gatewayTransportApplies({}, 'METRICS')).toBe(true);
    expect(gatewayTransportApplies({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }, 'METRICS')).toBe(
      true,
    );
    expect(
      gatewayTransportApplies({ OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json' }, 'METRICS'),
    ).toBe(false);
    expect(gatewayTransportApplies({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'METRICS')).toBe(false);
    expect(
      gatewayTransportApplies({ OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE: '/ca.pem' }, 'METRICS'),
    ).toBe(false);
    expect(
      gatewayTransportApplies({ OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: '/ca.pem' }, 'METRICS'),
    ).toBe(true);
  });
});
