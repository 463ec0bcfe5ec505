import type { Tracer } from '@opentelemetry/api';
import type { MetricProducer } from '@opentelemetry/sdk-metrics';

/**
 * What the SDK start-up (before Nest) hands to the application: whether tracing is on, which
 * spans the auto-instrumentations make themselves, and a slot where the application's metric
 * registry plugs into the OTLP metric reader once it exists.
 */
export interface TelemetryRuntime {
  readonly tracing: boolean;
  readonly captureContent: boolean;
  /** The http instrumentation is on: it makes the server spans, the gateway reads them. */
  readonly httpInstrumented: boolean;
  /** The undici instrumentation is on: it makes the upstream HTTP spans and sends `traceparent`. */
  readonly undiciInstrumented: boolean;
  /** Context propagates as W3C trace context (and baggage) only (TelemetryConfig). */
  readonly w3cPropagation?: boolean;
  /**
   * The tracer of the gateway's own spans when it has its lighter one (OTLP http/protobuf export);
   * otherwise they come from the SDK's global tracer provider.
   */
  readonly tracer?: Tracer;
  /** Feeds the OTLP metric reader (when one runs) from the application's registry. */
  attachMetrics(producer: MetricProducer): void;
  /** Flushes pending spans and metrics; called once on shutdown. */
  shutdown(): Promise<void>;
}

const DISABLED: TelemetryRuntime = {
  tracing: false,
  captureContent: false,
  httpInstrumented: false,
  undiciInstrumented: false,
  attachMetrics: () => undefined,
  shutdown: async () => undefined,
};

let current: TelemetryRuntime = DISABLED;

/** The process's telemetry: disabled until `startTelemetry` ran with `OTEL_ENABLED=true`. */
export function telemetryRuntime(): TelemetryRuntime {
  return current;
}

export function setTelemetryRuntime(runtime: TelemetryRuntime): void {
  current = runtime;
}
