import {
  context,
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  TraceFlags,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';
import { suppressTracing, TraceState } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { SyncContextManager } from '../../telemetry/sync-context.manager';
import { GatewaySpan, type GatewaySpanSink } from './gateway-span';
import { resolveGatewaySpanLimits } from './gateway-span.config';
import { GatewaySpanTracer } from './gateway-span.tracer';
import { UnsampledSpan } from './unsampled.span';

class EndedSpans implements GatewaySpanSink {
  readonly limits = resolveGatewaySpanLimits({});
  readonly spans: GatewaySpan[] = [];
  spanEnded(span: GatewaySpan): void {
    this.spans.push(span);
  }
}

const remote = (traceFlags: number, traceState?: TraceState): Context =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags,
    isRemote: true,
    traceState,
  });

function tracerWith(sampler: Sampler): { tracer: GatewaySpanTracer; sink: EndedSpans } {
  const sink = new EndedSpans();
  return { tracer: new GatewaySpanTracer(sampler, sink), sink };
}

const parentBasedRatio = (ratio: number): Sampler =>
  new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });

describe(GatewaySpanTracer.name, () => {
  it('starts a new trace without a parent, with fresh W3C ids', () => {
    const { tracer } = tracerWith(new AlwaysOnSampler());

    const span = tracer.startSpan('root', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    const ids = span.spanContext();

    expect(span).toBeInstanceOf(GatewaySpan);
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(ids.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(ids.traceFlags).toBe(TraceFlags.SAMPLED);
    expect((span as GatewaySpan).parent).toBeUndefined();
    expect((span as GatewaySpan).kind).toBe(SpanKind.SERVER);
  });

  it('continues the parent trace, keeping its trace state', () => {
    const { tracer } = tracerWith(parentBasedRatio(0));
    const state = new TraceState('vendor=abc');
    const parent = remote(TraceFlags.SAMPLED, state);

    const span = tracer.startSpan('child', {}, parent) as GatewaySpan;

    expect(span.spanContext()).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      traceFlags: TraceFlags.SAMPLED,
      traceState: state,
    });
    expect(span.spanContext().spanId).not.toBe('00f067aa0ba902b7');
    expect(span.parent).toEqual(trace.getSpanContext(parent));
  });

  it('follows an unsampled remote parent with a non-recording span that still propagates ids', () => {
    const { tracer, sink } = tracerWith(parentBasedRatio(1));

    const span = tracer.startSpan('child', {}, remote(TraceFlags.NONE));
    span.setAttribute('ignored', 1);
    span.end();

    expect(span).not.toBeInstanceOf(GatewaySpan);
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext()).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      traceFlags: TraceFlags.NONE,
    });
    expect(span.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(sink.spans).toEqual([]);
  });

  it('samples children of its own spans as their parent was sampled', () => {
    const { tracer } = tracerWith(parentBasedRatio(0.5));
    const seen = new Set<string>();
    for (let i = 0; i < 64; i++) {
      const root = tracer.startSpan('root', {}, ROOT_CONTEXT);
      const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root));
      expect(child.isRecording()).toBe(root.isRecording());
      seen.add(String(root.isRecording()));
    }
    expect([...seen].sort()).toEqual(['false', 'true']);
  });

  it('makes a child of its own span directly as startSpan would in a context holding it', () => {
    const { tracer } = tracerWith(new AlwaysOnSampler());
    const state = new TraceState('vendor=1');
    const root = tracer.startSpan('root', { kind: SpanKind.SERVER }, remote(1, state));
    const viaContext = tracer.startSpan(
      'child',
      { kind: SpanKind.CLIENT, startTime: 5 },
      trace.setSpan(ROOT_CONTEXT, root),
    ) as GatewaySpan;

    const direct = tracer.startChild(
      root as GatewaySpan,
      'child',
      SpanKind.CLIENT,
      5,
    ) as GatewaySpan;
    const now = tracer.startChild(root as GatewaySpan, 'now', SpanKind.INTERNAL) as GatewaySpan;

    const shape = (span: GatewaySpan) => ({
      name: span.name,
      kind: span.kind,
      startMs: span.startMs,
      parent: span.parent,
      parentSpan: span.parentSpan,
      traceId: span.spanContext().traceId,
      traceFlags: span.spanContext().traceFlags,
      traceState: span.spanContext().traceState,
      traceIdBytes: span.traceIdBytes,
    });
    expect(direct).toBeInstanceOf(GatewaySpan);
    expect(shape(direct)).toEqual(shape(viaContext));
    expect(direct.parent).toBe(root.spanContext());
    expect(direct.spanContext().traceState).toBe(state);
    expect(direct.spanContext().spanId).not.toBe(viaContext.spanContext().spanId);
    const idBytes = direct.spanIdBytes!.subarray(direct.spanIdAt, direct.spanIdAt + 8);
    expect(Buffer.from(idBytes).toString('hex')).toBe(direct.spanContext().spanId);
    expect(now.kind).toBe(SpanKind.INTERNAL);
    expect(Math.abs(now.startMs - Date.now())).toBeLessThan(1_000);
  });

  it('makes the child of an unsampled span of its own unsampled, in the same trace', () => {
    const { tracer, sink } = tracerWith(new AlwaysOffSampler());
    const root = tracer.startSpan('root', {}, ROOT_CONTEXT);

    const child = tracer.startChild(root as UnsampledSpan, 'child', SpanKind.CLIENT);
    child.end();

    expect(child).toBeInstanceOf(UnsampledSpan);
    expect(child.spanContext().traceId).toBe(root.spanContext().traceId);
    expect(child.spanContext().spanId).not.toBe(root.spanContext().spanId);
    expect(child.spanContext().traceFlags).toBe(TraceFlags.NONE);
    expect(sink.spans).toEqual([]);
  });

  it('records but does not sample what the sampler asks to record only', () => {
    const recordOnly: Sampler = {
      shouldSample: () => ({
        decision: SamplingDecision.RECORD,
        attributes: { 'from.sampler': 1 },
      }),
    };
    const { tracer, sink } = tracerWith(recordOnly);

    const span = tracer.startSpan('kept locally', { attributes: { a: 'x' } }, ROOT_CONTEXT);
    span.end();

    expect(span.spanContext().traceFlags).toBe(TraceFlags.NONE);
    expect(sink.spans).toEqual([span]);
    expect(sink.spans[0]!.sampled).toBe(false);
    expect(sink.spans[0]!.keys).toEqual(['a', 'from.sampler']);
  });

  it('gives the invalid span when tracing is suppressed', () => {
    const { tracer } = tracerWith(new AlwaysOnSampler());

    const span = tracer.startSpan('suppressed', {}, suppressTracing(remote(TraceFlags.SAMPLED)));

    expect(span.spanContext()).toEqual(INVALID_SPAN_CONTEXT);
    expect(span.isRecording()).toBe(false);
  });

  it('starts a new root on request, whatever the parent', () => {
    const { tracer } = tracerWith(new AlwaysOnSampler());

    const span = tracer.startSpan(
      'root',
      { root: true },
      remote(TraceFlags.SAMPLED),
    ) as GatewaySpan;

    expect(span.parent).toBeUndefined();
    expect(span.spanContext().traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('refuses everything under always_off', () => {
    const { tracer } = tracerWith(new AlwaysOffSampler());

    expect(tracer.startSpan('x', {}, ROOT_CONTEXT).isRecording()).toBe(false);
  });

  it('makes the span active for the callback of startActiveSpan, in the given context', () => {
    const { tracer, sink } = tracerWith(new AlwaysOnSampler());
    const manager = new SyncContextManager();
    context.setGlobalContextManager(manager);
    try {
      const parent = remote(TraceFlags.SAMPLED);
      const seen: Array<SpanContext | undefined> = [];
      const result = tracer.startActiveSpan('active', {}, parent, (span) => {
        seen.push(trace.getSpanContext(context.active()));
        span.end();
        return 'done';
      });
      tracer.startActiveSpan('short form', (span) => span.end());

      expect(result).toBe('done');
      expect(seen).toEqual([sink.spans[0]!.spanContext()]);
      expect(sink.spans[0]!.parent?.spanId).toBe('00f067aa0ba902b7');
      expect(sink.spans[1]!.parent).toBeUndefined();
    } finally {
      context.disable();
    }
  });
});
