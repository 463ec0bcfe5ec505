import { ROOT_CONTEXT, SamplingDecision, SpanKind, trace } from '@opentelemetry/api';
import { TRACE_SAMPLERS } from './telemetry.config';
import { traceSampler } from './trace-sampler';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe(traceSampler.name, () => {
  it.each<[string, string]>([
    ['always_on', 'AlwaysOnSampler'],
    ['always_off', 'AlwaysOffSampler'],
    ['traceidratio', 'TraceIdRatioBased{0.25}'],
    [
      'parentbased_always_on',
      'ParentBased{root=AlwaysOnSampler, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}',
    ],
    [
      'parentbased_always_off',
      'ParentBased{root=AlwaysOffSampler, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}',
    ],
    [
      'parentbased_traceidratio',
      'ParentBased{root=TraceIdRatioBased{0.25}, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}',
    ],
  ])('builds %s as the SDK builds it from the environment', (sampler, expected) => {
    expect(traceSampler({ sampler, samplerRatio: 0.25 }).toString()).toBe(expected);
  });

  it('knows every sampler the settings accept', () => {
    const names = TRACE_SAMPLERS.map((sampler) => traceSampler({ sampler, samplerRatio: 1 }));
    expect(new Set(names.map(String)).size).toBe(TRACE_SAMPLERS.length);
  });

  it('follows a sampled remote parent even at ratio 0 when parent-based', () => {
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: TRACE_ID,
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      isRemote: true,
    });
    const sampler = traceSampler({ sampler: 'parentbased_traceidratio', samplerRatio: 0 });

    const decide = (context: typeof parent) =>
      sampler.shouldSample(context, TRACE_ID, 'x', SpanKind.SERVER, {}, []).decision;

    expect(decide(parent)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(ROOT_CONTEXT)).toBe(SamplingDecision.NOT_RECORD);
  });
});
