import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Tracer,
} from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanLimits,
} from '@opentelemetry/sdk-trace-base';
import { decodeTraceRequest } from '../../export/__fixtures__/otlp-trace-decoder.fixture';
import { ALL_VALUE_TYPES, REMOTE_PARENT } from '../../export/__fixtures__/sample-spans.fixture';
import { OtlpProtoEncoder } from '../../export/otlp-proto.encoder';

/** Explicit times the script passes: epoch ms, a Date, an HrTime (whole ms: exact either way). */
export const T0 = 1_800_000_000_123;
const HR_TIME: [number, number] = [1_800_000_000, 456_000_000];
const EXPLICIT_NANOS = new Set(
  [T0, T0 + 1, T0 + 2, T0 + 3, HR_TIME[0] * 1e3 + HR_TIME[1] / 1e6].map((ms) =>
    String(BigInt(ms) * 1_000_000n),
  ),
);

export const SCRIPT_RESOURCE = resourceFromAttributes({
  'service.name': 'routeiq-gateway',
  'process.pid': 4242,
});

/** One error for every run, so both recordings carry the same stack. */
const FAILURE = Object.assign(new Error('upstream refused'), { code: 'upstream_error' });

/**
 * The span API calls the gateway makes and the ones it could: a remote parent with trace state,
 * every kind, every attribute value type, overwrites, events with and without attributes and
 * explicit times of each form, links, an exception, status rules, calls after end, a new root.
 */
export function runSpanScript(tracer: Tracer): void {
  const remote = trace.setSpanContext(ROOT_CONTEXT, REMOTE_PARENT);
  const server = tracer.startSpan('POST', { kind: SpanKind.SERVER, startTime: T0 }, remote);
  server.setAttributes({ 'http.request.method': 'POST', 'url.path': '/v1/chat/completions' });
  const inServer = trace.setSpan(remote, server);
  const route = tracer.startSpan(
    'route plain',
    { attributes: ALL_VALUE_TYPES, startTime: new Date(T0 + 1) },
    inServer,
  );
  route.setAttribute('str.ascii', 'overwritten in place');
  route.setAttribute('', 'empty keys are refused');
  route.setAttributes({ 'mixed.array': [1, 'two'] } as unknown as Attributes);
  route.addEvent(
    'routeiq.router_decision.v1',
    { record: JSON.stringify({ outcome: 'ok' }) },
    T0 + 2,
  );
  route.addEvent('no attributes');
  route.addEvent('at an hrtime', HR_TIME);
  route.addEvent('with a time as second argument', { n: 1, skipped: undefined }, HR_TIME);
  route.end(T0 + 3);
  const client = tracer.startSpan(
    'chat plain-1',
    {
      kind: SpanKind.CLIENT,
      links: [{ context: REMOTE_PARENT, attributes: { 'link.kind': 'follows', n: 1 } }],
    },
    inServer,
  );
  client.recordException(FAILURE, T0 + 2);
  client.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream 503: überlastet' });
  client.setStatus({ code: SpanStatusCode.UNSET });
  client.end();
  for (const kind of [SpanKind.PRODUCER, SpanKind.CONSUMER])
    tracer.startSpan(`queue ${kind}`, { kind }, inServer).end();
  server.updateName('POST /v1/chat/completions');
  server.setStatus({ code: SpanStatusCode.OK });
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'ignored: OK is final' });
  server.end();
  server.setAttribute('after.end', 1);
  server.updateName('renamed after end');
  tracer.startSpan('a new root', { root: true, attributes: { n: 2 } }, inServer).end();
}

/** What the SDK's tracer and the one-pass encoder make of the script run `runs` times. */
export function sdkScriptRequest(runs: number, limits?: SpanLimits): Buffer {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: SCRIPT_RESOURCE,
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(limits && { spanLimits: limits }),
  });
  for (let run = 0; run < runs; run++) runSpanScript(provider.getTracer('routeiq-gateway'));
  return new OtlpProtoEncoder().encode(exporter.getFinishedSpans());
}

/**
 * A decoded request with ids replaced by the order they first appear in (runs draw different
 * random ids) and times the script did not give replaced by `now`.
 */
export function normalizedRequest(bytes: Uint8Array): unknown {
  const ids = new Map<string, string>();
  const label = (bytes: number[]): string => {
    const hex = Buffer.from(bytes).toString('hex');
    if (hex === '') return '';
    if (!ids.has(hex)) ids.set(hex, `id${ids.size}`);
    return ids.get(hex)!;
  };
  return JSON.parse(JSON.stringify(decodeTraceRequest(bytes)), (key, value: unknown) => {
    if (key === 'traceId' || key === 'spanId' || key === 'parentSpanId')
      return label(value as number[]);
    if (key.endsWith('UnixNano')) return EXPLICIT_NANOS.has(value as string) ? value : 'now';
    return value;
  });
}
