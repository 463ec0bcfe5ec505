import type {
  Attributes,
  Context,
  Link,
  Span,
  SpanContext,
  SpanKind,
  SpanOptions,
  TimeInput,
  Tracer,
} from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import {
  contextApi,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  isTracingSuppressed,
  ROOT_CONTEXT,
  SAMPLING_DECISION,
  SPAN_KIND,
  TRACE_FLAGS,
  traceApi,
} from '../../telemetry/otel-api';
import type { EndedChildSpan } from './ended-child.span';
import { GatewaySpan, type GatewaySpanSink } from './gateway-span';
import { PooledIdGenerator } from './pooled-id.generator';
import { epochMillis, toEpochMillis } from './span-clock';
import { UnsampledSpan } from './unsampled.span';

const NO_ATTRIBUTES: Attributes = Object.freeze({});
const NO_LINKS: Link[] = [];

/**
 * The tracer of the gateway's own spans (server, request, routing decision, upstream call, MCP and
 * A2A calls): the SDK tracer's decisions (the same sampler, ids, parent and trace state rules,
 * tracing suppression) with the lighter {@link GatewaySpan}, which goes straight to its sink.
 * Instrumented libraries keep the SDK's tracer provider.
 *
 * A child of one of its own spans takes that span's decision without asking the sampler: what
 * every standard sampler decides there (parent-based ones follow a local parent; `always_*` and
 * `traceidratio` decide per trace, so the parent already got the same answer).
 */
export class GatewaySpanTracer implements Tracer {
  constructor(
    private readonly sampler: Sampler,
    private readonly sink: GatewaySpanSink,
    private readonly ids = new PooledIdGenerator(),
  ) {}

  startSpan(name: string, options: SpanOptions = {}, parent?: Context): Span {
    let context = parent ?? contextApi.active();
    if (options.root) context = traceApi.deleteSpan(context);
    // The root context holds nothing: no suppression, no parent (most server spans start there).
    const root = context === ROOT_CONTEXT;
    if (!root && isTracingSuppressed(context))
      return traceApi.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const parentSpan = root ? undefined : traceApi.getSpan(context);
    if (parentSpan instanceof GatewaySpan || parentSpan instanceof UnsampledSpan)
      return this.childOf(
        parentSpan,
        name,
        options.kind ?? SPAN_KIND.INTERNAL,
        options.startTime,
        options,
      );
    const parentContext = parentSpan?.spanContext();
    const validParent =
      parentContext !== undefined && isSpanContextValid(parentContext) ? parentContext : undefined;
    const ids = this.ids;
    const traceId = validParent ? validParent.traceId : ids.generateTraceId();
    const traceIdBytes = validParent ? undefined : ids.lastBytes;
    const traceIdAt = ids.lastAt;
    const kind = options.kind ?? SPAN_KIND.INTERNAL;
    const links = options.links ?? NO_LINKS;
    const attributes = options.attributes ?? NO_ATTRIBUTES;
    const result = this.sampler.shouldSample(context, traceId, name, kind, attributes, links);
    const spanContext: SpanContext = {
      traceId,
      spanId: ids.generateSpanId(),
      traceFlags:
        result.decision === SAMPLING_DECISION.RECORD_AND_SAMPLED
          ? TRACE_FLAGS.SAMPLED
          : TRACE_FLAGS.NONE,
      traceState: result.traceState ?? validParent?.traceState,
    };
    if (result.decision === SAMPLING_DECISION.NOT_RECORD) return new UnsampledSpan(spanContext);
    const span = this.recorded(spanContext, validParent, name, kind, options.startTime, options);
    span.traceIdBytes = traceIdBytes;
    span.traceIdAt = traceIdAt;
    if (result.attributes) span.setAttributes(result.attributes);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    context: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...args: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    const fn = args[args.length - 1] as (span: Span) => ReturnType<F>;
    const options = args.length > 1 ? (args[0] as SpanOptions) : {};
    const parent = args.length > 2 ? (args[1] as Context) : contextApi.active();
    const span = this.startSpan(name, options, parent);
    return contextApi.with(traceApi.setSpan(parent, span), fn, undefined, span);
  }

  /**
   * A child of one of the gateway's own spans, started at `startTime` (a `performance.now()`
   * reading; now when not given): what `startSpan` gives in a context holding `parent` as its
   * span, without looking the parent up in a context or reading an options object. The caller
   * vouches that the parent's context does not suppress tracing (a recorded parent's context
   * did not when the parent started, and a child's context inherits it).
   */
  startChild(
    parent: GatewaySpan | UnsampledSpan,
    name: string,
    kind: SpanKind,
    startTime?: number,
  ): Span {
    return this.childOf(parent, name, kind, startTime, undefined);
  }

  /**
   * Takes `child` of the recording span `parent` whole (a span id drawn, bytes only) and hands it
   * to the sink; false, taking nothing, where a span limit would cut it (a value length limit, no
   * room for its attributes or event): a span made of it applies the limits.
   */
  takeEndedChild(parent: GatewaySpan, child: EndedChildSpan): boolean {
    const limits = this.sink.limits;
    if (
      limits.attributeValueLengthLimit !== Infinity ||
      limits.attributeCountLimit < child.block.keys.length + 1 ||
      limits.eventCountLimit < 1 ||
      limits.attributePerEventCountLimit < 1 ||
      child.key.length === 0 ||
      child.eventKey.length === 0
    )
      return false;
    const ids = this.ids;
    ids.drawSpanId();
    child.parent = parent;
    child.spanIdBytes = ids.lastBytes;
    child.spanIdAt = ids.lastAt;
    this.sink.spanEnded(child);
    return true;
  }

  private childOf(
    parentSpan: GatewaySpan | UnsampledSpan,
    name: string,
    kind: SpanKind,
    startTime: TimeInput | undefined,
    options: SpanOptions | undefined,
  ): Span {
    const parent = parentSpan.spanContext();
    const sampled = (parent.traceFlags & TRACE_FLAGS.SAMPLED) !== 0;
    const spanContext: SpanContext = {
      traceId: parent.traceId,
      spanId: this.ids.generateSpanId(),
      traceFlags: sampled ? TRACE_FLAGS.SAMPLED : TRACE_FLAGS.NONE,
      traceState: parent.traceState,
    };
    if (!sampled) return new UnsampledSpan(spanContext);
    const span = this.recorded(spanContext, parent, name, kind, startTime, options);
    if (parentSpan instanceof GatewaySpan) {
      span.parentSpan = parentSpan;
      span.traceIdBytes = parentSpan.traceIdBytes;
      span.traceIdAt = parentSpan.traceIdAt;
    }
    return span;
  }

  private recorded(
    spanContext: SpanContext,
    parent: SpanContext | undefined,
    name: string,
    kind: SpanKind,
    startTime: TimeInput | undefined,
    options: SpanOptions | undefined,
  ): GatewaySpan {
    const startMs = startTime === undefined ? epochMillis() : toEpochMillis(startTime);
    const span = new GatewaySpan(spanContext, parent, name, kind, startMs, this.sink);
    // The span id was the last id drawn.
    span.spanIdBytes = this.ids.lastBytes;
    span.spanIdAt = this.ids.lastAt;
    if (options?.links) span.addLinks(options.links);
    if (options?.attributes) span.setAttributes(options.attributes);
    return span;
  }
}
