import {
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { AlwaysOffSampler, AlwaysOnSampler, type Sampler } from '@opentelemetry/sdk-trace-base';
import type { GatewayRequest } from '@routeiq/common';
import type { IncomingMessage } from 'node:http';
import { setTelemetryRuntime, telemetryRuntime } from '../telemetry/telemetry-runtime';
import { toEpochMillis } from './spans/span-clock';
import { GatewayTracer } from './gateway-tracer';
import { EndedChildSpan } from './spans/ended-child.span';
import { GatewaySpan, type GatewaySpanLimits, type GatewaySpanSink } from './spans/gateway-span';
import { PiecewiseText, type TextSink } from './spans/piecewise-text';
import { resolveGatewaySpanLimits } from './spans/gateway-span.config';
import { AttributeBlock } from './spans/attribute-block';
import { GatewaySpanTracer } from './spans/gateway-span.tracer';

class EndedSpans implements GatewaySpanSink {
  readonly spans: GatewaySpan[] = [];
  constructor(readonly limits: GatewaySpanLimits) {}
  spanEnded(span: GatewaySpan): void {
    this.spans.push(span);
  }
}

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** Text of one piece. */
class PiecesText extends PiecewiseText {
  constructor(private readonly value: string) {
    super();
  }

  writeTo(sink: TextSink): void {
    sink.text(this.value);
  }
}

function tracerWith(
  sampler: Sampler,
  w3cPropagation = false,
  limits: Partial<GatewaySpanLimits> = {},
): { tracer: GatewayTracer; sink: EndedSpans } {
  const sink = new EndedSpans({ ...resolveGatewaySpanLimits({}), ...limits });
  const previous = telemetryRuntime();
  const tracer = new GatewaySpanTracer(sampler, sink);
  setTelemetryRuntime({ ...previous, tracing: true, tracer, w3cPropagation });
  try {
    return { tracer: new GatewayTracer(), sink };
  } finally {
    setTelemetryRuntime(previous);
  }
}

/** Header names as clients send them: capitalised words (`User-Agent`, `Traceparent`). */
const capitalised = (name: string): string =>
  name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());

function incoming(
  url: string,
  headers: Record<string, string> = {},
  extraRaw: string[] = [],
): IncomingMessage {
  const all = { 'user-agent': 'test-agent', ...headers };
  return {
    url,
    method: 'POST',
    httpVersion: '1.1',
    headers: all,
    rawHeaders: [
      'Host',
      '127.0.0.1',
      ...Object.entries(all).flatMap(([name, value]) => [capitalised(name), value]),
      ...extraRaw,
    ],
    socket: { remoteAddress: '127.0.0.1' },
  } as unknown as IncomingMessage;
}

/** A span's attributes, its own and its blocks'. */
const attributesOf = (span: GatewaySpan): Record<string, unknown> =>
  Object.fromEntries([
    ...span.keys.map((key, i): [string, unknown] => [key, span.values[i]]),
    ...(span.blocks ?? []).flatMap((block) =>
      block.keys.map((key, i): [string, unknown] => [key, block.values[i]]),
    ),
  ]);

describe(GatewayTracer.name, () => {
  beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
  afterAll(() => propagation.disable());

  it('makes its spans with the runtime tracer, computing attributes only for recorded ones', () => {
    const { tracer } = tracerWith(new AlwaysOnSampler());
    const off = tracerWith(new AlwaysOffSampler()).tracer;
    let computed = 0;
    const attributes = () => {
      computed += 1;
      return { 'routeiq.test': 1 };
    };

    const span = tracer.startSpan('recorded', {}, undefined, attributes);
    const unsampled = off.startSpan('unsampled', {}, undefined, attributes);

    expect(span).toBeInstanceOf(GatewaySpan);
    expect(attributesOf(span as GatewaySpan)).toEqual({ 'routeiq.test': 1 });
    expect(unsampled.isRecording()).toBe(false);
    expect(computed).toBe(1);
  });

  it('makes children of its own spans directly, and of other spans through their context', () => {
    const { tracer, sink } = tracerWith(new AlwaysOnSampler());
    const own = tracer.startSpan('own', {}, undefined);
    const ownContext = tracer.contextWith(own, undefined);
    const foreign = trace.wrapSpanContext({
      traceId: CALLER_TRACE,
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      isRemote: true,
    });
    const foreignContext = trace.setSpan(ROOT_CONTEXT, foreign);
    const startSpan = jest.spyOn(GatewaySpanTracer.prototype, 'startSpan');

    const direct = tracer.startChildSpan(own, ownContext, 'direct', SpanKind.CLIENT, 7);
    const viaContext = tracer.startChildSpan(foreign, foreignContext, 'via', SpanKind.INTERNAL, 7);
    const calls = startSpan.mock.calls.map(([name, options]) => [name, options]);
    startSpan.mockRestore();
    direct.end();
    viaContext.end();

    expect(calls).toEqual([['via', { kind: SpanKind.INTERNAL, startTime: 7 }]]);
    expect(sink.spans.map((span) => [span.name, span.kind, span.parent?.spanId])).toEqual([
      ['direct', SpanKind.CLIENT, own.spanContext().spanId],
      ['via', SpanKind.INTERNAL, '00f067aa0ba902b7'],
    ]);
    expect(sink.spans.map((span) => span.startMs)).toEqual([toEpochMillis(7), toEpochMillis(7)]);
    expect(viaContext.spanContext().traceId).toBe(CALLER_TRACE);
  });

  it('gives an ended child whole under its own recording spans, and as a span elsewhere', () => {
    const block = new AttributeBlock({ 'b.key': 'value' });
    const text = new PiecesText('{"record":1}');
    const child = () =>
      new EndedChildSpan('route g', SpanKind.INTERNAL, 7, 9, block, 'k', 3, 'ev', 'rec', text);
    const { tracer, sink } = tracerWith(new AlwaysOnSampler());
    const own = tracer.startSpan('own', {}, undefined) as GatewaySpan;
    const foreign = trace.wrapSpanContext({
      traceId: CALLER_TRACE,
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      isRemote: true,
    });
    const limited = tracerWith(new AlwaysOnSampler(), false, { attributeCountLimit: 1 });
    const limitedOwn = limited.tracer.startSpan('own', {}, undefined) as GatewaySpan;

    const whole = child();
    tracer.addEndedChild(own, tracer.contextWith(own, undefined), whole);
    tracer.addEndedChild(foreign, trace.setSpan(ROOT_CONTEXT, foreign), child());
    limited.tracer.addEndedChild(
      limitedOwn,
      limited.tracer.contextWith(limitedOwn, undefined),
      child(),
    );

    const [taken, made] = sink.spans as unknown[];
    expect(taken).toBe(whole);
    expect(whole.parent).toBe(own);
    expect(whole.spanIdBytes).toBeInstanceOf(Uint8Array);
    for (const span of [made, limited.sink.spans[0]] as GatewaySpan[]) {
      expect(span).toBeInstanceOf(GatewaySpan);
      expect([span.name, span.kind, span.startMs, span.endMs]).toEqual([
        'route g',
        SpanKind.INTERNAL,
        toEpochMillis(7),
        toEpochMillis(9),
      ]);
      expect(span.events?.map((event) => [event.name, event.timeMs])).toEqual([
        ['ev', toEpochMillis(9)],
      ]);
    }
    expect((made as GatewaySpan).parent?.spanId).toBe('00f067aa0ba902b7');
    expect(attributesOf(made as GatewaySpan)).toEqual({ 'b.key': 'value', k: 3 });
    expect((made as GatewaySpan).events![0]!.text).toBe(text);
    // One attribute fits the limit: the block's is kept and the span's own dropped (span rules).
    expect(attributesOf(limited.sink.spans[0]!)).toEqual({ 'b.key': 'value' });
  });

  it('adds a block as one piece to its own spans, and its attributes to other recording spans', () => {
    const { tracer } = tracerWith(new AlwaysOnSampler());
    const block = new AttributeBlock({ 'b.key': 'value', 'b.n': 1 });
    const own = tracer.startSpan('own', {}, undefined) as GatewaySpan;
    const setAttributes = jest.fn();
    const other = { isRecording: () => true, setAttributes } as unknown as Span;
    const unsampled = tracerWith(new AlwaysOffSampler()).tracer.startSpan('off', {}, undefined);
    const unsampledSet = jest.spyOn(unsampled, 'setAttributes');

    tracer.addAttributeBlock(own, block);
    tracer.addAttributeBlock(other, block);
    tracer.addAttributeBlock(unsampled, block);

    expect(own.blocks).toEqual([block]);
    expect(setAttributes).toHaveBeenCalledWith({ 'b.key': 'value', 'b.n': 1 });
    expect(unsampledSet).not.toHaveBeenCalled();
  });

  it('makes the server span a child of the caller, and ends it with route and status', () => {
    const { tracer, sink } = tracerWith(new AlwaysOnSampler());
    const traceparent = `00-${CALLER_TRACE}-00f067aa0ba902b7-01`;

    const server = tracer.startServerSpan(incoming('/v1/chat/completions?x=1', { traceparent }))!;
    expect(trace.getSpan(server.context)).toBe(server.span);
    tracer.endServerSpan(server, 'POST', '/v1/chat/completions', 503, 'upstream_error');

    const [ended] = sink.spans;
    expect(ended).toMatchObject({ name: 'POST /v1/chat/completions', kind: SpanKind.SERVER });
    expect(ended!.parent).toMatchObject({ spanId: '00f067aa0ba902b7', isRemote: true });
    expect(ended!.spanContext().traceId).toBe(CALLER_TRACE);
    expect(ended!.status.code).toBe(SpanStatusCode.ERROR);
    expect(attributesOf(ended!)).toEqual({
      'http.request.method': 'POST',
      'url.path': '/v1/chat/completions',
      'url.scheme': 'http',
      'network.protocol.version': '1.1',
      'client.address': '127.0.0.1',
      'user_agent.original': 'test-agent',
      'http.route': '/v1/chat/completions',
      'http.response.status_code': 503,
      'error.type': 'upstream_error',
    });
  });

  it("shares the server span's method, path, scheme and protocol as one block per path", () => {
    const { tracer } = tracerWith(new AlwaysOnSampler());

    const [first, second, other] = [
      '/v1/chat/completions?a=1',
      '/v1/chat/completions',
      '/v1/models',
    ].map((url) => tracer.startServerSpan(incoming(url))!.span as GatewaySpan);

    expect(first!.blocks).toHaveLength(1);
    expect(second!.blocks![0]).toBe(first!.blocks![0]);
    expect(other!.blocks![0]).not.toBe(first!.blocks![0]);
    expect(attributesOf(other!)).toMatchObject({
      'http.request.method': 'POST',
      'url.path': '/v1/models',
      'url.scheme': 'http',
      'network.protocol.version': '1.1',
    });
    const variants = [
      ['GET', '1.1'],
      ['POST', '1.0'],
      ['GET', '1.0'],
      ['GET', '1.1'],
    ].map(([method, httpVersion]) => {
      const req = Object.assign(incoming('/v1/models'), { method, httpVersion });
      return tracer.startServerSpan(req)!.span as GatewaySpan;
    });
    expect(variants.map((span) => attributesOf(span))).toEqual(
      [
        ['GET', '1.1'],
        ['POST', '1.0'],
        ['GET', '1.0'],
        ['GET', '1.1'],
      ].map(([method, version]): unknown =>
        expect.objectContaining({
          'http.request.method': method,
          'url.path': '/v1/models',
          'network.protocol.version': version,
        }),
      ),
    );
    expect(variants[3]!.blocks![0]).toBe(variants[0]!.blocks![0]);
  });

  it("starts the server span at the request's arrival reading, when there is one", () => {
    const { tracer } = tracerWith(new AlwaysOnSampler());
    const arrived = Object.assign(incoming('/v1/models'), { receivedAt: performance.now() - 50 });

    const timed = tracer.startServerSpan(arrived)!.span as GatewaySpan;
    const untimed = tracer.startServerSpan(incoming('/v1/models'))!.span as GatewaySpan;

    expect(timed.startMs).toBe(toEpochMillis(arrived.receivedAt));
    expect(untimed.startMs - timed.startMs).toBeGreaterThanOrEqual(50);
  });

  it('makes no span for probes and scrapes', () => {
    const { tracer } = tracerWith(new AlwaysOnSampler());

    expect(tracer.startServerSpan(incoming('/_health/live'))).toBeUndefined();
    expect(tracer.startServerSpan(incoming('/metrics'))).toBeUndefined();
  });

  it('ends an unsampled server span without touching it', () => {
    const { tracer, sink } = tracerWith(new AlwaysOffSampler());
    const server = tracer.startServerSpan(incoming('/v1/models'))!;

    tracer.endServerSpan(server, 'GET', '/v1/models', 200);

    expect(server.span.isRecording()).toBe(false);
    expect(sink.spans).toEqual([]);
  });

  it('lets one handler adopt the server span, which ends when both are done', () => {
    const { tracer, sink } = tracerWith(new AlwaysOnSampler());
    const server = tracer.startServerSpan(incoming('/v1/chat/completions'))!;
    const req = { serverSpan: server } as unknown as GatewayRequest;

    expect(tracer.adoptServerSpan(req)).toBe(server);
    expect(tracer.adoptServerSpan(req)).toBeUndefined();
    expect(tracer.adoptServerSpan({} as GatewayRequest)).toBeUndefined();
    server.span.setAttribute('gen_ai.operation.name', 'chat');
    tracer.endServerSpan(server, 'POST', '/v1/chat/completions', 200);
    expect(sink.spans).toEqual([]);
    // The handler finished after the response closed: its attributes are kept.
    server.span.setAttribute('gen_ai.usage.output_tokens', 7);
    server.release();

    expect(sink.spans).toHaveLength(1);
    expect(attributesOf(sink.spans[0]!)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.output_tokens': 7,
      'http.response.status_code': 200,
    });
  });

  it('writes the W3C headers of an upstream call itself as the propagator would', () => {
    const tracestate = 'vendor=a1,other=b2';
    const caller = { traceparent: `00-${CALLER_TRACE}-00f067aa0ba902b7-01`, tracestate };
    for (const [sampler, headers] of [
      [new AlwaysOnSampler(), {}],
      [new AlwaysOffSampler(), {}],
      [new AlwaysOnSampler(), caller],
    ] as const) {
      const { tracer } = tracerWith(sampler, true);
      const server = tracer.startServerSpan(incoming('/v1/chat/completions', headers))!;
      const call = tracer.startSpan('chat m', { kind: SpanKind.CLIENT }, server.context);

      const written = tracer.upstreamHeadersOf(call, server.context);

      expect(written).toEqual(tracer.upstreamHeaders(tracer.contextWith(call, server.context)));
      expect(written.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
      expect(written.tracestate).toBe('tracestate' in headers ? tracestate : undefined);
    }
  });

  it('reads the caller context with W3C propagation only, skipping the API without its headers', () => {
    const { tracer } = tracerWith(new AlwaysOnSampler(), true);
    const traceparent = `00-${CALLER_TRACE}-00f067aa0ba902b7-01`;
    const extract = jest.spyOn(propagation, 'extract');
    try {
      propagation.disable();
      propagation.setGlobalPropagator(
        new CompositePropagator({
          propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
        }),
      );
      const plain = tracer.startServerSpan(incoming('/v1/chat/completions'))!;
      expect(extract).not.toHaveBeenCalled();
      const child = tracer.startServerSpan(incoming('/v1/chat/completions', { traceparent }))!;
      const carried = tracer.startServerSpan(incoming('/v1/models', { baggage: 'tenant=blue' }))!;

      expect((plain.span as GatewaySpan).parent).toBeUndefined();
      expect(trace.getSpan(plain.context)).toBe(plain.span);
      expect(child.span.spanContext().traceId).toBe(CALLER_TRACE);
      expect(propagation.getBaggage(carried.context)?.getEntry('tenant')?.value).toBe('blue');
      expect(extract).toHaveBeenCalledTimes(2);
    } finally {
      extract.mockRestore();
      propagation.disable();
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    }
  });

  it('reads the user agent and the W3C headers from the raw list whatever their case', () => {
    const { tracer } = tracerWith(new AlwaysOnSampler(), true);
    const traceparent = `00-${CALLER_TRACE}-00f067aa0ba902b7-01`;
    // Node keeps the first User-Agent of several; names come in any case.
    const agents = incoming('/v1/chat/completions', {}, ['USER-AGENT', 'second-agent']);
    const shouting = incoming('/v1/chat/completions', {}, ['TRACEPARENT', traceparent]);
    shouting.headers.traceparent = traceparent;

    const plain = tracer.startServerSpan(agents)!.span as GatewaySpan;
    const child = tracer.startServerSpan(shouting)!.span as GatewaySpan;

    expect(attributesOf(plain)['user_agent.original']).toBe('test-agent');
    expect(plain.parent).toBeUndefined();
    expect(child.spanContext().traceId).toBe(CALLER_TRACE);
  });

  it('leaves the headers to the propagation API for baggage and for other propagators', () => {
    const custom = {
      inject: (_ctx: unknown, carrier: Record<string, string>) => (carrier['x-custom'] = 'yes'),
      extract: (ctx: unknown) => ctx,
      fields: () => ['x-custom'],
    };
    const other = tracerWith(new AlwaysOnSampler(), false).tracer;
    const w3c = tracerWith(new AlwaysOnSampler(), true).tracer;
    const withBaggage = propagation.setBaggage(
      ROOT_CONTEXT,
      propagation.createBaggage({ tenant: { value: 'blue' } }),
    );
    try {
      propagation.disable();
      propagation.setGlobalPropagator(
        custom as unknown as Parameters<typeof propagation.setGlobalPropagator>[0],
      );
      const call = other.startSpan('chat m', { kind: SpanKind.CLIENT }, undefined);
      expect(other.upstreamHeadersOf(call, undefined)).toEqual({ 'x-custom': 'yes' });
      const carried = w3c.startSpan('chat m', { kind: SpanKind.CLIENT }, withBaggage);
      expect(w3c.upstreamHeadersOf(carried, withBaggage)).toEqual({ 'x-custom': 'yes' });
    } finally {
      propagation.disable();
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    }
  });

  it('sends the upstream span as traceparent, sampled or not', () => {
    for (const [sampler, flags] of [
      [new AlwaysOnSampler(), '01'],
      [new AlwaysOffSampler(), '00'],
    ] as const) {
      const { tracer } = tracerWith(sampler);
      const server = tracer.startServerSpan(incoming('/v1/chat/completions'))!.span;
      const inServer = tracer.contextWith(server, undefined);
      const call = tracer.startSpan('chat m', { kind: SpanKind.CLIENT }, inServer);
      const context = tracer.contextWith(call, inServer);

      const { traceId, spanId } = call.spanContext();
      expect(tracer.upstreamHeaders(context)).toEqual({
        traceparent: `00-${traceId}-${spanId}-${flags}`,
      });
      expect(trace.getSpan(context)).toBe(call);
      expect(traceId).toBe(server.spanContext().traceId);
    }
    expect(trace.getSpan(ROOT_CONTEXT)).toBeUndefined();
  });
});
