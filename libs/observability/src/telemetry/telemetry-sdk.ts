import type { Context, ContextManager } from '@opentelemetry/api';
import type { InstrumentationConfigMap } from '@opentelemetry/auto-instrumentations-node';
import type { Resource } from '@opentelemetry/resources';
import type { MetricProducer, MetricReader } from '@opentelemetry/sdk-metrics';
import type { IncomingMessage } from 'node:http';
import { SyncContextManager } from './sync-context.manager';
import { resolveTelemetryConfig, telemetryEnvDefaults } from './telemetry.config';
import { setTelemetryRuntime, telemetryRuntime, type TelemetryRuntime } from './telemetry-runtime';

// Probes and scrapes are not traced: at a few per second per replica they would drown the traces.
const UNTRACED_PREFIXES = ['/_health/', '/health', '/metrics'];

/**
 * Starts the OpenTelemetry SDK when `OTEL_ENABLED=true`; must run before the application's modules
 * are loaded so the instrumentations can patch http, undici, pg and ioredis. With telemetry off it
 * loads nothing and the request path never touches the OpenTelemetry API.
 * @throws ConfigValidationError when a telemetry variable is invalid.
 */
export async function startTelemetry(
  env: NodeJS.ProcessEnv = process.env,
): Promise<TelemetryRuntime> {
  const config = resolveTelemetryConfig(env);
  if (!config.enabled) return telemetryRuntime();
  for (const [name, value] of Object.entries(telemetryEnvDefaults(config))) {
    if (!env[name]?.trim()) env[name] = value;
  }
  const [sdkNode, autoInstrumentations, asyncHooks, resources] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/auto-instrumentations-node'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/resources'),
  ]);
  const producer = new LateMetricProducer(resources.emptyResource());
  const readers = await metricReaders(env, producer);
  const contextManager: ContextManager =
    config.contextMode === 'explicit'
      ? new SyncContextManager()
      : new asyncHooks.AsyncLocalStorageContextManager();
  const sdk = new sdkNode.NodeSDK({
    serviceName: config.serviceName,
    contextManager,
    metricReaders: readers,
    logRecordProcessors: [],
    instrumentations: autoInstrumentations.getNodeAutoInstrumentations(instrumentationConfig()),
  });
  sdk.start();
  const runtime: TelemetryRuntime = {
    tracing: true,
    captureContent: config.captureContent,
    attachMetrics: (metrics) => producer.attach(metrics),
    shutdown: () => sdk.shutdown(),
  };
  setTelemetryRuntime(runtime);
  return runtime;
}

function instrumentationConfig(): InstrumentationConfigMap {
  return {
    '@opentelemetry/instrumentation-http': {
      ignoreIncomingRequestHook: (req: IncomingMessage) =>
        UNTRACED_PREFIXES.some((prefix) => (req.url ?? '').startsWith(prefix)),
      // Without Express's instrumentation the server span still gets its route and a route name.
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

/** The OTLP metric reader of `OTEL_METRICS_EXPORTER` (default otlp; `none` turns it off). */
async function metricReaders(
  env: NodeJS.ProcessEnv,
  producer: MetricProducer,
): Promise<MetricReader[]> {
  const exporters = (env.OTEL_METRICS_EXPORTER ?? 'otlp').split(',').map((e) => e.trim());
  if (exporters.includes('none') || !exporters.includes('otlp')) return [];
  const { PeriodicExportingMetricReader } = await import('@opentelemetry/sdk-metrics');
  const protocol = (
    env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ??
    env.OTEL_EXPORTER_OTLP_PROTOCOL ??
    'http/protobuf'
  ).trim();
  const exporter =
    protocol === 'grpc'
      ? new (await import('@opentelemetry/exporter-metrics-otlp-grpc')).OTLPMetricExporter()
      : protocol === 'http/json'
        ? new (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter()
        : new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter();
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL ?? 60_000);
  const exportIntervalMillis = Number.isFinite(interval) && interval > 0 ? interval : 60_000;
  return [
    new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis,
      exportTimeoutMillis: Math.min(30_000, exportIntervalMillis),
      metricProducers: [producer],
    }),
  ];
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

/** A context with `span` active, for code that starts child spans explicitly. */
export type TraceContext = Context;
