import type { InstrumentationConfigMap } from '@opentelemetry/auto-instrumentations-node';
import type { Resource } from '@opentelemetry/resources';
import type {
  MeterProvider,
  MetricProducer,
  MetricReader,
  PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import type { IncomingMessage } from 'node:http';
import { isUntracedPath } from '../tracing/untraced-paths';
import { SyncContextManager } from './sync-context.manager';
import {
  resolveTelemetryConfig,
  telemetryEnvDefaults,
  telemetryEnvironment,
} from './telemetry.config';
import { setTelemetryRuntime, telemetryRuntime, type TelemetryRuntime } from './telemetry-runtime';

type Env = NodeJS.ProcessEnv;

/**
 * Starts the OpenTelemetry SDK when `OTEL_ENABLED=true`; must run before the application's modules
 * are loaded so the instrumentations can patch what they instrument as it is first required. With
 * telemetry off it loads nothing and the request path never touches the OpenTelemetry API.
 * @throws ConfigValidationError when a telemetry variable is invalid.
 */
export async function startTelemetry(env: Env = telemetryEnvironment()): Promise<TelemetryRuntime> {
  const config = resolveTelemetryConfig(env);
  if (!config.enabled) return telemetryRuntime();
  for (const [name, value] of Object.entries(telemetryEnvDefaults(config))) {
    if (!env[name]?.trim()) env[name] = value;
  }
  const [sdkNode, autoInstrumentations, resources, fastExport, fastExportConfig, spans, samplers] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/auto-instrumentations-node'),
      import('@opentelemetry/resources'),
      import('../tracing/export/fast-otlp-trace.exporter'),
      import('../tracing/export/otlp-trace-export.config'),
      import('../tracing/spans/gateway-span.pipeline'),
      import('./trace-sampler'),
    ]);
  const resource = resources
    .defaultResource()
    .merge(
      resources.detectResources({
        detectors: [resources.envDetector, resources.processDetector, resources.hostDetector],
      }),
    )
    .merge(resources.resourceFromAttributes({ 'service.name': config.serviceName }));
  const sampler = samplers.traceSampler(config);
  const fastExportApplies = fastExportConfig.fastOtlpTraceExportApplies(env);
  const sdk = new sdkNode.NodeSDK({
    resource,
    sampler,
    autoDetectResources: false,
    contextManager: new SyncContextManager(),
    // No global MeterProvider: the instrumentations would record their own metrics per request.
    metricReaders: [],
    logRecordProcessors: [],
    // The default protocol (OTLP/HTTP protobuf) goes through the gateway's one-pass encoder: the
    // SDK's serializer cost 12% of the CPU with every request traced. Other protocols and
    // exporters are the SDK's, from the environment; batching follows OTEL_BSP_* either way.
    ...(fastExportApplies && { traceExporter: new fastExport.FastOtlpTraceExporter(env) }),
    instrumentations: autoInstrumentations.getNodeAutoInstrumentations(instrumentationConfig()),
  });
  sdk.start();
  // The gateway's own spans skip the SDK's span objects (they cost ~10% of the CPU with every
  // request traced); the instrumented libraries' spans stay the SDK's.
  const own = fastExportApplies
    ? spans.createGatewaySpanPipeline(env, resource, sampler)
    : undefined;
  const producer = new LateMetricProducer(resources.emptyResource());
  const meters = await meterProvider(env, resource, producer);
  const runtime: TelemetryRuntime = {
    tracing: true,
    captureContent: config.captureContent,
    httpInstrumented: instrumented(env, 'http'),
    undiciInstrumented: instrumented(env, 'undici'),
    w3cPropagation: config.w3cPropagation,
    ...(own && { tracer: own.tracer }),
    attachMetrics: (metrics) => producer.attach(metrics),
    shutdown: async () => {
      await Promise.all([sdk.shutdown(), meters?.shutdown(), own?.shutdown()]);
    },
  };
  setTelemetryRuntime(runtime);
  return runtime;
}

/** Whether an auto-instrumentation is on, by the variables the package itself reads. */
function instrumented(env: Env, name: string): boolean {
  const list = (value: string | undefined): string[] =>
    (value ?? '').split(',').map((entry) => entry.trim());
  return (
    list(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS).includes(name) &&
    !list(env.OTEL_NODE_DISABLED_INSTRUMENTATIONS).includes(name)
  );
}

function instrumentationConfig(): InstrumentationConfigMap {
  return {
    '@opentelemetry/instrumentation-http': {
      ignoreIncomingRequestHook: (req: IncomingMessage) => isUntracedPath(req.url),
      applyCustomAttributesOnSpan: (span, request) => {
        const route = (request as { route?: { path?: unknown } }).route?.path;
        if (typeof route !== 'string') return;
        span.setAttribute('http.route', route);
        span.updateName(`${(request as IncomingMessage).method ?? 'GET'} ${route}`);
      },
    },
    // Background writes (batched request logs, counter syncs) are not part of any request.
    '@opentelemetry/instrumentation-pg': { requireParentSpan: true },
    '@opentelemetry/instrumentation-ioredis': { requireParentSpan: true },
  };
}

/**
 * A MeterProvider of its own (not the global one) whose OTLP reader exports the application's
 * registry, per `OTEL_METRICS_EXPORTER` (default otlp; `none` turns it off).
 */
async function meterProvider(
  env: Env,
  resource: Resource,
  producer: MetricProducer,
): Promise<MeterProvider | undefined> {
  const exporters = (env.OTEL_METRICS_EXPORTER ?? 'otlp').split(',').map((e) => e.trim());
  if (exporters.includes('none') || !exporters.includes('otlp')) return undefined;
  const metrics = await import('@opentelemetry/sdk-metrics');
  const interval = positive(env.OTEL_METRIC_EXPORT_INTERVAL, 60_000);
  const reader: MetricReader = new metrics.PeriodicExportingMetricReader({
    exporter: await otlpMetricExporter(env),
    exportIntervalMillis: interval,
    // The reader refuses a timeout longer than the interval (as the SDK's own env reading does).
    exportTimeoutMillis: Math.min(positive(env.OTEL_METRIC_EXPORT_TIMEOUT, 30_000), interval),
    metricProducers: [producer],
  });
  return new metrics.MeterProvider({ resource, readers: [reader] });
}

async function otlpMetricExporter(env: Env): Promise<PushMetricExporter> {
  const protocol = (
    env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ??
    env.OTEL_EXPORTER_OTLP_PROTOCOL ??
    'http/protobuf'
  ).trim();
  if (protocol === 'grpc')
    return new (await import('@opentelemetry/exporter-metrics-otlp-grpc')).OTLPMetricExporter();
  if (protocol === 'http/json')
    return new (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter();
  const [transportCheck, gatewayExporter] = await Promise.all([
    import('../tracing/export/otlp-trace-export.config'),
    import('./otlp-metric.exporter'),
  ]);
  // OTLP/HTTP protobuf through the gateway's transport (see createOtlpMetricExporter), unless a
  // TLS file variable needs the SDK's.
  if (transportCheck.gatewayTransportApplies(env, 'METRICS'))
    return gatewayExporter.createOtlpMetricExporter(env);
  return new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter();
}

function positive(value: string | undefined, fallback: number): number {
  const number = Number(value);
  return value !== undefined && Number.isFinite(number) && number > 0 ? number : fallback;
}

/** The application's registry exists only once Nest has built it; until then nothing to export. */
class LateMetricProducer implements MetricProducer {
  private target: MetricProducer | undefined;

  constructor(private readonly resource: Resource) {}

  attach(target: MetricProducer): void {
    this.target = target;
  }

  collect(...args: Parameters<MetricProducer['collect']>): ReturnType<MetricProducer['collect']> {
    if (this.target) return this.target.collect(...args);
    return Promise.resolve({
      resourceMetrics: { resource: this.resource, scopeMetrics: [] },
      errors: [],
    });
  }
}
