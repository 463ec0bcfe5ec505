import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { HttpObserver } from './http/http-observer';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { MetricsModule } from './metrics/metrics.module';
import { observabilityConfig, observabilityConfigProvider } from './observability.config';
import { telemetryRuntime } from './telemetry/telemetry-runtime';
import { GatewayTracer } from './tracing/gateway-tracer';

/** Metrics, tracing and the HTTP observer, for every module (registered once, in the app). */
@Global()
@Module({
  imports: [ConfigModule.forFeature(observabilityConfig), MetricsModule],
  providers: [observabilityConfigProvider, GatewayTracer, HttpObserver],
  exports: [GatewayTracer, HttpObserver, MetricsModule],
})
export class ObservabilityModule implements OnModuleInit {
  constructor(private readonly metrics: GatewayMetrics) {}

  /** With the SDK on, the OTLP metric reader exports the same registry `/metrics` shows. */
  onModuleInit(): void {
    telemetryRuntime().attachMetrics(this.metrics.producer());
  }
}
