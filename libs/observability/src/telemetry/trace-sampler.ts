import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import type { TelemetryConfig } from './telemetry.config';

/**
 * The sampler the resolved settings name (`OTEL_TRACES_SAMPLER` over
 * `ROUTEIQ_OTEL_TRACES_SAMPLER`, and the ratio), built as the SDK builds it from the environment.
 * One instance serves the SDK's tracer provider and the gateway's own tracer.
 */
export function traceSampler(config: Pick<TelemetryConfig, 'sampler' | 'samplerRatio'>): Sampler {
  const ratio = config.samplerRatio;
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    default:
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}
