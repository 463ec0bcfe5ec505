import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type SpanContext,
} from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanLimits,
} from '@opentelemetry/sdk-trace-base';

/** A parent that arrived in `traceparent`/`tracestate` from another service. */
export const REMOTE_PARENT: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: 1,
  isRemote: true,
  traceState: new TraceState('routeiq=r1,vendor=abc'),
};

/** Every attribute value type the API allows, plus strings that are not plain ASCII. */
export const ALL_VALUE_TYPES: Attributes = {
  'str.ascii': 'gpt-4o-mini',
  'str.empty': '',
  'str.unicode': 'Grüße, 世界 — ½',
  'str.emoji': '🚀 launch 👩🏽‍💻',
  'int.small': 42,
  'int.negative': -7,
  'int.large': 2 ** 40 + 3,
  'int.beyond.safe': 2 ** 60,
  'double.value': 0.8731,
  'double.negative': -1.5e-9,
  'bool.true': true,
  'bool.false': false,
  'array.strings': ['eu', 'fast', 'ünïcode'],
  'array.numbers': [1, 2.5, -3],
  'array.bools': [true, false],
  'array.empty': [],
};

interface Recorder {
  readonly exporter: InMemorySpanExporter;
  readonly provider: BasicTracerProvider;
}

function recorder(attributes: Attributes, spanLimits?: SpanLimits, schemaUrl?: string): Recorder {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(attributes, schemaUrl ? { schemaUrl } : undefined),
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(spanLimits ? { spanLimits } : {}),
  });
  return { exporter, provider };
}

function recordGatewayTrace({ provider }: Recorder): void {
  const http = provider.getTracer('routeiq-gateway', '0.1.0', {
    schemaUrl: 'https://opentelemetry.io/schemas/1.28.0',
  });
  const internal = provider.getTracer('routeiq-routing');
  const remote = trace.setSpanContext(ROOT_CONTEXT, REMOTE_PARENT);
  const server = http.startSpan('POST /v1/chat/completions', { kind: SpanKind.SERVER }, remote);
  server.setAttributes({ 'http.request.method': 'POST', 'http.response.status_code': 200 });
  const inServer = trace.setSpan(ROOT_CONTEXT, server);
  const route = internal.startSpan('routeiq.route', { attributes: ALL_VALUE_TYPES }, inServer);
  route.addEvent('candidate.skipped', { 'routeiq.deployment.id': 'azure-eu', reason: 'cooldown' });
  route.addEvent('no attributes');
  route.end();
  const client = http.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT }, inServer);
  client.addEvent('gen_ai.content.prompt', {
    'gen_ai.prompt': JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(600) }] }),
  });
  client.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream 503: überlastet' });
  client.end();
  for (const kind of [SpanKind.PRODUCER, SpanKind.CONSUMER]) {
    internal.startSpan(`queue ${kind}`, { kind }, inServer).end();
  }
  server.setStatus({ code: SpanStatusCode.OK });
  server.end();
}

function recordLimitedTrace({ provider }: Recorder): void {
  const tracer = provider.getTracer('routeiq-limits', '2.0.0');
  const linked = tracer.startSpan('linked target');
  linked.end();
  const span = tracer.startSpan('limited', {
    attributes: { a: 1, b: 2, c: 3 },
    links: [
      { context: REMOTE_PARENT, attributes: { 'link.kind': 'follows', n: 1, m: 2 } },
      { context: linked.spanContext() },
    ],
  });
  span.addEvent('first', { x: 1, y: 2 });
  span.addEvent('second');
  span.end();
}

/**
 * Finished spans from two providers (two resources, one with a schema URL and span limits that
 * drop attributes, events and links): parent/child, a remote parent with trace state, every
 * kind, every attribute value type, events, links, error and ok status, three scopes.
 */
export function recordSampleSpans(): ReadableSpan[] {
  const gateway = recorder({ 'service.name': 'routeiq-gateway', 'process.pid': 4242 });
  const limited = recorder(
    { 'service.name': 'routeiq-limits', 'deployment.environment.name': 'test' },
    {
      attributeCountLimit: 2,
      eventCountLimit: 1,
      linkCountLimit: 1,
      attributePerEventCountLimit: 1,
    },
    'https://opentelemetry.io/schemas/1.30.0',
  );
  recordGatewayTrace(gateway);
  recordLimitedTrace(limited);
  return [...gateway.exporter.getFinishedSpans(), ...limited.exporter.getFinishedSpans()];
}
