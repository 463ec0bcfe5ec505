import { OTLPMetricExporterBase } from '@opentelemetry/exporter-metrics-otlp-http';
import {
  createOtlpNetworkExportDelegate,
  ExporterMetrics,
  type ExportResponse,
  type IExporterTransport,
} from '@opentelemetry/otlp-exporter-base';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import {
  MetricsExporterMetricsHelper,
  ProtobufMetricsSerializer,
} from '@opentelemetry/otlp-transformer';
import type { OtlpBodySender } from '../tracing/export/gateway-span.exporter';
import { OtlpExportError, OtlpHttpTransport } from '../tracing/export/otlp-http.transport';
import { resolveOtlpTraceExportConfig } from '../tracing/export/otlp-trace-export.config';

type Env = Readonly<Record<string, string | undefined>>;

/** What the SDK's OTLP/HTTP metric exporter calls itself in its self-observability metrics. */
const COMPONENT_TYPE = 'otlp_http_metric_exporter';
/** Exports in flight at once, as the SDK's default. */
const CONCURRENCY_LIMIT = 30;

/** The SDK's exporter transport contract over the gateway's body sender. */
class SenderTransport implements IExporterTransport {
  constructor(private readonly sender: OtlpBodySender) {}

  async send(data: Uint8Array): Promise<ExportResponse> {
    try {
      await this.sender.post(data);
      return { status: 'success' };
    } catch (error) {
      return { status: 'failure', error: error as Error };
    }
  }

  shutdown(): void {
    this.sender.close();
  }
}

/**
 * The OTLP/HTTP protobuf metric exporter: the SDK's (its serializer, temporality and aggregation
 * selection, `OTEL_EXPORTER_OTLP_METRICS_*` settings), sending through the gateway's transport
 * (the traces' one, a keep-alive agent and `req.end(body)`) instead of the SDK's, which pipes a
 * `Readable` made per export into the request. Those stream objects, every export interval, gave
 * Node's stream internals shapes the request path's streams never have and turned their inline
 * caches megamorphic for every request after: ~13K instructions per traced request under
 * callgrind (docs/performance.md "Tracing overhead", session 16). Failures are retried as the
 * traces' are (OtlpHttpTransport: 429, 502, 503, 504 and network errors, within the deadline); a
 * collection that still fails is reported failed, and the next interval sends the next one.
 * @throws ConfigValidationError naming every bad `OTEL_EXPORTER_OTLP_(METRICS_)*` variable.
 */
export function createOtlpMetricExporter(env: Env, sender?: OtlpBodySender): PushMetricExporter {
  const config = resolveOtlpTraceExportConfig(env, 'METRICS');
  const delegate = createOtlpNetworkExportDelegate(
    {
      timeoutMillis: config.timeoutMillis,
      concurrencyLimit: CONCURRENCY_LIMIT,
      compression: config.compression,
    },
    ProtobufMetricsSerializer,
    new ExporterMetrics({
      componentType: COMPONENT_TYPE,
      metricsHelper: MetricsExporterMetricsHelper,
      url: config.url,
      meterProvider: undefined,
      // As the SDK's HTTP exporters: the status the collector answered, 200 when it took it.
      responseAttributesFromError: (error) => {
        if (!error) return { 'http.response.status_code': 200 };
        return error instanceof OtlpExportError && error.status !== undefined
          ? { 'http.response.status_code': error.status }
          : {};
      },
    }),
    new SenderTransport(sender ?? new OtlpHttpTransport(config)),
  );
  return new OTLPMetricExporterBase(delegate);
}
