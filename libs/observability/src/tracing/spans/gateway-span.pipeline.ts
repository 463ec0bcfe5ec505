import type { Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { GatewaySpanExporter } from '../export/gateway-span.exporter';
import { OtlpHttpTransport } from '../export/otlp-http.transport';
import { resolveOtlpTraceExportConfig } from '../export/otlp-trace-export.config';
import { GATEWAY_TRACER_NAME } from './gateway-scope';
import { resolveGatewaySpanBatchOptions, resolveGatewaySpanLimits } from './gateway-span.config';
import { GatewaySpanTracer } from './gateway-span.tracer';

type Env = Readonly<Record<string, string | undefined>>;

/** The gateway's own tracer and the export behind it. */
export interface GatewaySpanPipeline {
  readonly tracer: Tracer;
  /** Sends what is batched; later spans are dropped. */
  shutdown(): Promise<void>;
}

/**
 * The gateway's own spans, sent over OTLP/HTTP protobuf per the OTLP exporter variables and
 * batched per `OTEL_BSP_*`, sampled by `sampler` (the SDK provider's), for `resource`.
 * @throws ConfigValidationError when an OTLP exporter variable is invalid.
 */
export function createGatewaySpanPipeline(
  env: Env,
  resource: Resource,
  sampler: Sampler,
): GatewaySpanPipeline {
  const exporter = new GatewaySpanExporter(
    new OtlpHttpTransport(resolveOtlpTraceExportConfig(env)),
    resource,
    { name: GATEWAY_TRACER_NAME },
    resolveGatewaySpanLimits(env),
    resolveGatewaySpanBatchOptions(env),
  );
  return {
    tracer: new GatewaySpanTracer(sampler, exporter),
    shutdown: () => exporter.shutdown(),
  };
}
