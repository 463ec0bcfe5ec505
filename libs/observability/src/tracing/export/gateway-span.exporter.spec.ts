import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { setGlobalErrorHandler, loggingErrorHandler } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, type Sampler } from '@opentelemetry/sdk-trace-base';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  normalizedRequest,
  runSpanScript,
  SCRIPT_RESOURCE,
  sdkScriptRequest,
} from '../spans/__fixtures__/span-script.fixture';
import { AttributeBlock, BlockKeys } from '../spans/attribute-block';
import { EndedChildSpan } from '../spans/ended-child.span';
import { PiecewiseText, TextPiece, type TextSink } from '../spans/piecewise-text';
import type { GatewaySpan, GatewaySpanLimits } from '../spans/gateway-span';
import { resolveGatewaySpanLimits } from '../spans/gateway-span.config';
import { GatewaySpanTracer } from '../spans/gateway-span.tracer';
import { decodeTraceRequest } from './__fixtures__/otlp-trace-decoder.fixture';
import {
  GatewaySpanExporter,
  type GatewaySpanBatchOptions,
  type OtlpBodySender,
} from './gateway-span.exporter';
import { OtlpHttpTransport } from './otlp-http.transport';
import { resolveOtlpTraceExportConfig } from './otlp-trace-export.config';

const DEFAULT_LIMITS = resolveGatewaySpanLimits({});
const BATCH: GatewaySpanBatchOptions = {
  maxQueueSize: 100,
  maxExportBatchSize: 10,
  scheduledDelayMillis: 60_000,
};

/** Keeps every body; `gate` holds posts until released, `fail` rejects them. */
class RecordingSender implements OtlpBodySender {
  readonly bodies: Buffer[] = [];
  fail: Error | undefined;
  closed = false;
  private held: Array<() => void> | undefined;

  hold(): void {
    this.held = [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const resume of held) resume();
  }

  get waiting(): number {
    return this.held?.length ?? 0;
  }

  async post(body: Uint8Array): Promise<void> {
    if (this.held) await new Promise<void>((resume) => this.held!.push(resume));
    if (this.fail) throw this.fail;
    this.bodies.push(Buffer.from(body));
  }

  close(): void {
    this.closed = true;
  }
}

function pipeline(
  options: Partial<GatewaySpanBatchOptions> = {},
  limits: GatewaySpanLimits = DEFAULT_LIMITS,
  sampler: Sampler = new AlwaysOnSampler(),
) {
  const sender = new RecordingSender();
  const exporter = new GatewaySpanExporter(
    sender,
    SCRIPT_RESOURCE,
    { name: 'routeiq-gateway' },
    limits,
    { ...BATCH, ...options },
  );
  return { sender, exporter, tracer: new GatewaySpanTracer(sampler, exporter) };
}

const spanNames = (bodies: Buffer[]): string[] =>
  bodies.flatMap((body) => {
    const request = decodeTraceRequest(body) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }>;
    };
    return request.resourceSpans.flatMap((r) =>
      r.scopeSpans.flatMap((s) => s.spans.map((span) => span.name)),
    );
  });

/** Text of recurring pieces and one-off strings, in turn. */
class PiecesText extends PiecewiseText {
  constructor(private readonly parts: ReadonlyArray<TextPiece | string>) {
    super();
  }

  writeTo(sink: TextSink): void {
    for (const part of this.parts) {
      if (typeof part === 'string') sink.text(part);
      else sink.piece(part);
    }
  }
}

function endSpans(tracer: GatewaySpanTracer, count: number, prefix = 'span'): void {
  for (let i = 0; i < count; i++) tracer.startSpan(`${prefix} ${i}`, {}, ROOT_CONTEXT).end();
}

describe(GatewaySpanExporter.name, () => {
  afterEach(() => setGlobalErrorHandler(loggingErrorHandler()));

  it('sends what the SDK span, its exporter and encoder would send for the same calls', async () => {
    const { sender, exporter, tracer } = pipeline({ maxExportBatchSize: 100 });

    runSpanScript(tracer);
    runSpanScript(tracer); // again: values repeat, which the encoder copies as bytes
    await exporter.forceFlush();

    expect(sender.bodies).toHaveLength(1);
    expect(normalizedRequest(sender.bodies[0]!)).toEqual(normalizedRequest(sdkScriptRequest(2)));
  });

  it('stays exact when attribute values repeat and change from span to span', async () => {
    const { sender, exporter, tracer } = pipeline({ maxExportBatchSize: 1000 });
    // Repeats, values taking turns (more of them than a key remembers), one-string arrays next to
    // the same string, arrays of several items, and numbers next to the strings.
    const values = [
      ...['a', 'a', 'a', 'b', 'b', 1, 1, true, true, 'a', ['x'], ['x'], 'a'],
      ...['a', 'b', 'a', 'b', 'c', 'd', 'e', 'a', 'e', 'x', ['x'], 'x', ['x'], ['x', 'y']],
      ...[['x', 'y'], ['x', 'z'], 'x', 1, '1', 1, '1', false, 'false', false],
      // Long strings (length prefixes past one byte), ASCII and not.
      ...['l'.repeat(41), 'm'.repeat(300), 'm'.repeat(300), 'é'.repeat(60), '☕'.repeat(50)],
      ...['n'.repeat(20_000), 'a'],
    ];
    for (const value of values) {
      const span = tracer.startSpan('s', {}, ROOT_CONTEXT);
      span.setAttribute('k', value);
      span.setAttribute('fixed', 'same every time');
      span.end();
    }
    await exporter.forceFlush();

    const request = decodeTraceRequest(sender.bodies[0]!) as {
      resourceSpans: Array<{
        scopeSpans: Array<{ spans: Array<{ attributes: Array<{ key: string; value: unknown }> }> }>;
      }>;
    };
    const written = request.resourceSpans[0]!.scopeSpans[0]!.spans.map((span) =>
      span.attributes.map((a) => a.value),
    );
    const anyValue = (value: string | number | boolean | string[]): unknown => {
      if (typeof value === 'string') return expect.objectContaining({ stringValue: value });
      if (typeof value === 'number') return expect.objectContaining({ intValue: String(value) });
      if (typeof value === 'boolean') return expect.objectContaining({ boolValue: value });
      const items: unknown[] = value.map((item): unknown =>
        expect.objectContaining({ stringValue: item }),
      );
      return expect.objectContaining({ arrayValue: { values: items } });
    };
    expect(written).toEqual(values.map((value) => [anyValue(value), anyValue('same every time')]));
  });

  it('writes span names exactly as they repeat, change and get renamed', async () => {
    const { sender, exporter, tracer } = pipeline({ maxExportBatchSize: 1000 });
    const names = [
      'chat m',
      'chat m',
      'route g',
      'chat m',
      'café ☕',
      'café ☕',
      'x'.repeat(80),
      '',
    ];
    for (const name of names) tracer.startSpan(name, {}, ROOT_CONTEXT).end();
    const renamed = tracer.startSpan('chat m', {}, ROOT_CONTEXT);
    renamed.updateName('POST /v1/chat/completions');
    renamed.end();
    await exporter.forceFlush();

    expect(spanNames(sender.bodies)).toEqual([...names, 'POST /v1/chat/completions']);
  });

  it('writes the ids the spans carry, own and remote parents alike', async () => {
    const { sender, exporter, tracer } = pipeline();
    const remote = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      isRemote: true,
    });
    const started = [ROOT_CONTEXT, remote].flatMap((context) => {
      const server = tracer.startSpan('server', {}, context);
      const child = tracer.startSpan('child', {}, trace.setSpan(context, server));
      const grandchild = tracer.startSpan('grandchild', {}, trace.setSpan(context, child));
      return [grandchild, child, server];
    });
    for (const span of started) span.end();
    await exporter.forceFlush();

    const request = decodeTraceRequest(sender.bodies[0]!) as {
      resourceSpans: Array<{
        scopeSpans: Array<{
          spans: Array<{ traceId: number[]; spanId: number[]; parentSpanId: number[] }>;
        }>;
      }>;
    };
    const hex = (bytes: number[]): string => Buffer.from(bytes).toString('hex');
    const written = request.resourceSpans[0]!.scopeSpans[0]!.spans.map((span) => [
      hex(span.traceId),
      hex(span.spanId),
      hex(span.parentSpanId),
    ]);
    expect(written).toEqual(
      started.map((span) => [
        span.spanContext().traceId,
        span.spanContext().spanId,
        (span as { parent?: { spanId: string } }).parent?.spanId ?? '',
      ]),
    );
    expect(written[5]![2]).toBe('00f067aa0ba902b7');
  });

  it('applies the span limits as the SDK does', async () => {
    const limits = {
      attributeCountLimit: 2,
      attributeValueLengthLimit: 4,
      eventCountLimit: 1,
      linkCountLimit: 1,
      attributePerEventCountLimit: 1,
      attributePerLinkCountLimit: 1,
    };
    const { sender, exporter, tracer } = pipeline({ maxExportBatchSize: 100 }, limits);

    runSpanScript(tracer);
    await exporter.forceFlush();

    expect(normalizedRequest(sender.bodies[0]!)).toEqual(
      normalizedRequest(sdkScriptRequest(1, limits)),
    );
  });

  it('writes a piecewise text event as the same event with the text as a string', async () => {
    const limited = { ...DEFAULT_LIMITS, attributeValueLengthLimit: 10 };
    const head = new TextPiece(`{"group":"${'g'.repeat(40)}","é":"☕"`);
    const texts = [
      new PiecesText([head, ',"id":"', 'request-1', '"}']),
      new PiecesText([head, ',"id":"', 'é'.repeat(70), '"}']),
      new PiecesText([new TextPiece('x'.repeat(300)), 'y'.repeat(20_000)]),
      new PiecesText([]),
    ];
    for (const limits of [DEFAULT_LIMITS, limited]) {
      const { sender, exporter, tracer } = pipeline({ maxExportBatchSize: 100 }, limits);
      for (const text of texts) {
        const pieces = tracer.startSpan('route', {}, ROOT_CONTEXT) as GatewaySpan;
        pieces.addEvent('before', { n: 1 }, 5);
        pieces.addTextEvent('decision', 'record', text, 7);
        pieces.end();
        const whole = tracer.startSpan('route', {}, ROOT_CONTEXT);
        whole.addEvent('before', { n: 1 }, 5);
        whole.addEvent('decision', { record: text.toString() }, 7);
        whole.end();
      }
      await exporter.forceFlush();

      const request = decodeTraceRequest(sender.bodies[0]!) as {
        resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ events: unknown[] }> }> }>;
      };
      const spans = request.resourceSpans[0]!.scopeSpans[0]!.spans;
      expect(spans).toHaveLength(8);
      for (let i = 0; i < 8; i += 2) expect(spans[i]!.events).toEqual(spans[i + 1]!.events);
      expect(spans[0]!.events[1]).toMatchObject({
        name: 'decision',
        attributes: [
          {
            key: 'record',
            value: {
              stringValue:
                limits === DEFAULT_LIMITS
                  ? `${head.text},"id":"request-1"}`
                  : head.text.slice(0, 10),
            },
          },
        ],
      });
    }
  });

  it('writes a child given whole as the span made of the same calls', async () => {
    type Decoded = {
      resourceSpans: Array<{
        scopeSpans: Array<{ spans: Array<{ name: string; spanId: number[] } & object> }>;
      }>;
    };
    const { sender, exporter, tracer } = pipeline({ maxExportBatchSize: 100 });
    const block = new AttributeBlock({ 'router.strategy': 'simple-shuffle', 'router.n': 2 });
    const text = new PiecesText([new TextPiece('{"group":"é"'), ',"id":"r-1"}']);
    const parent = tracer.startSpan('request', {}, ROOT_CONTEXT) as GatewaySpan;
    // Twice each: the second time the encoder copies repeated attributes as bytes.
    for (let i = 0; i < 2; i++) {
      const child = new EndedChildSpan(
        'route g',
        SpanKind.INTERNAL,
        1_000 + i,
        1_000.25 + i,
        block,
        'router.decision_us',
        250 + i,
        'routeiq.router_decision.v1',
        'record',
        text,
      );
      expect(tracer.takeEndedChild(parent, child)).toBe(true);
      const span = tracer.startChild(
        parent,
        'route g',
        SpanKind.INTERNAL,
        1_000 + i,
      ) as GatewaySpan;
      span.setAttribute('router.decision_us', 250 + i);
      span.addAttributeBlock(block);
      span.addTextEvent('routeiq.router_decision.v1', 'record', text, 1_000.25 + i);
      span.end(1_000.25 + i);
    }
    parent.end();
    await exporter.forceFlush();

    const spans = (decodeTraceRequest(sender.bodies[0]!) as Decoded).resourceSpans[0]!
      .scopeSpans[0]!.spans;
    expect(spans.map((span) => span.name)).toEqual([
      'route g',
      'route g',
      'route g',
      'route g',
      'request',
    ]);
    const withoutId = ({ spanId: _id, ...rest }: (typeof spans)[number]) => rest;
    expect(withoutId(spans[0]!)).toEqual(withoutId(spans[1]!));
    expect(withoutId(spans[2]!)).toEqual(withoutId(spans[3]!));
    expect(withoutId(spans[0]!)).not.toEqual(withoutId(spans[2]!));
    const ids = spans.map((span) => Buffer.from(span.spanId).toString('hex'));
    expect(new Set(ids).size).toBe(5);
    expect(ids[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(ids[0]).not.toBe('0000000000000000');
    expect(spans[0]).toMatchObject({
      parentSpanId: [...Buffer.from(parent.spanContext().spanId, 'hex')],
      traceId: [...Buffer.from(parent.spanContext().traceId, 'hex')],
      kind: 1,
      events: [
        {
          name: 'routeiq.router_decision.v1',
          attributes: [{ key: 'record', value: { stringValue: '{"group":"é","id":"r-1"}' } }],
        },
      ],
    });
  });

  it('takes no child whole where a span limit would cut it', () => {
    const block = new AttributeBlock({ a: 'x', b: 'y' });
    const child = () =>
      new EndedChildSpan('c', SpanKind.INTERNAL, 1, 2, block, 'k', 1, 'e', 'r', new PiecesText([]));
    for (const limits of [
      { ...DEFAULT_LIMITS, attributeValueLengthLimit: 10 },
      { ...DEFAULT_LIMITS, attributeCountLimit: 2 },
      { ...DEFAULT_LIMITS, eventCountLimit: 0 },
      { ...DEFAULT_LIMITS, attributePerEventCountLimit: 0 },
    ]) {
      const { exporter, tracer } = pipeline({}, limits);
      const spanEnded = jest.spyOn(exporter, 'spanEnded');
      const parent = tracer.startSpan('request', {}, ROOT_CONTEXT) as GatewaySpan;
      expect(tracer.takeEndedChild(parent, child())).toBe(false);
      expect(spanEnded).not.toHaveBeenCalled();
    }
    const { tracer } = pipeline({}, { ...DEFAULT_LIMITS, attributeCountLimit: 3 });
    const parent = tracer.startSpan('request', {}, ROOT_CONTEXT) as GatewaySpan;
    expect(tracer.takeEndedChild(parent, child())).toBe(true);
  });

  it("writes a block's attributes as the same attributes set one by one would be", async () => {
    const { sender, exporter, tracer } = pipeline({ maxExportBatchSize: 100 });
    const values = { 'b.text': 'é', 'b.int': 7, 'b.float': 0.5, 'b.flag': true, 'b.list': ['x'] };
    const block = new AttributeBlock(values);
    type Decoded = {
      resourceSpans: Array<{
        scopeSpans: Array<{ spans: Array<{ attributes: Array<{ key: string; value: unknown }> }> }>;
      }>;
    };
    const requestKeys = new BlockKeys(['r.id', 'r.tokens']);
    const requestBlocks: AttributeBlock[] = [];
    for (let i = 0; i < 3; i++) {
      const blocked = tracer.startSpan('span', {}, ROOT_CONTEXT) as GatewaySpan;
      blocked.setAttribute('own', i);
      blocked.addAttributeBlock(block);
      blocked.addAttributeBlock(new AttributeBlock({ 'second.block': 'yes' }));
      // One request's values: the same id twice, then another (the encoder's value cache).
      const perRequest = new AttributeBlock(requestKeys, [`id-${i >> 1}`, 10 + i]);
      requestBlocks.push(perRequest);
      blocked.addAttributeBlock(perRequest);
      blocked.end();
      const single = tracer.startSpan('span', {}, ROOT_CONTEXT);
      single.setAttribute('own', i);
      single.setAttributes({
        ...values,
        'second.block': 'yes',
        'r.id': `id-${i >> 1}`,
        'r.tokens': 10 + i,
      });
      single.end();
    }
    await exporter.forceFlush();

    const request = decodeTraceRequest(sender.bodies[0]!) as Decoded;
    const spans = request.resourceSpans[0]!.scopeSpans[0]!.spans;
    const sorted = (span: (typeof spans)[number]) =>
      [...span.attributes].sort((a, b) => a.key.localeCompare(b.key));
    expect(spans).toHaveLength(6);
    for (let i = 0; i < 6; i += 2) {
      expect(sorted(spans[i]!)).toEqual(sorted(spans[i + 1]!));
      expect(spans[i]!.attributes).toHaveLength(9);
    }
    expect(block.encoded).toBeInstanceOf(Uint8Array);
    // Not kept: written with each span.
    expect(requestBlocks.map((perRequest) => perRequest.encoded)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('sends a batch once it holds the batch size, the rest after the delay', async () => {
    // The delay on a fake clock: on the real one a busy machine can pass 50 ms before the first
    // check (sending span 3 early) or take longer than a fixed wait to send it.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const { sender, exporter, tracer } = pipeline({
        maxExportBatchSize: 3,
        scheduledDelayMillis: 50,
      });

      endSpans(tracer, 4);
      await new Promise((resolve) => setImmediate(resolve));
      expect(spanNames(sender.bodies)).toEqual(['span 0', 'span 1', 'span 2']);

      await jest.advanceTimersByTimeAsync(49);
      await new Promise((resolve) => setImmediate(resolve));
      expect(spanNames(sender.bodies)).toEqual(['span 0', 'span 1', 'span 2']);

      await jest.advanceTimersByTimeAsync(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(spanNames(sender.bodies)).toEqual(['span 0', 'span 1', 'span 2', 'span 3']);
      await exporter.shutdown();
    } finally {
      jest.useRealTimers();
    }
  });

  it('encodes the spans ended in one turn of the event loop right after it, past 64 at once', async () => {
    const { sender, tracer } = pipeline({ maxExportBatchSize: 2 });
    const microtasks = () => new Promise<void>((resolve) => queueMicrotask(resolve));
    const settled = async () => {
      for (let i = 0; i < 10; i++) await microtasks();
    };

    endSpans(tracer, 2, 'turn');
    await settled();
    expect(sender.bodies).toHaveLength(0); // a full batch, not encoded yet
    await new Promise((resolve) => setImmediate(resolve));
    await settled();
    expect(spanNames(sender.bodies)).toEqual(['turn 0', 'turn 1']);

    const many = pipeline({ maxExportBatchSize: 64 });
    endSpans(many.tracer, 64, 'burst');
    await settled();
    expect(spanNames(many.sender.bodies)).toHaveLength(64);
  });

  it('sends nothing for unsampled spans and nothing when there is nothing to send', async () => {
    const { sender, exporter, tracer } = pipeline({}, DEFAULT_LIMITS, new AlwaysOffSampler());

    const span = tracer.startSpan('unsampled', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    span.end();
    await exporter.forceFlush();

    expect(span.isRecording()).toBe(false);
    expect(sender.bodies).toEqual([]);
  });

  it('keeps at most the concurrency limit in flight and drops spans past the queue size', async () => {
    const { sender, exporter, tracer } = pipeline({
      maxExportBatchSize: 2,
      maxQueueSize: 4,
      concurrencyLimit: 1,
    });
    sender.hold();

    endSpans(tracer, 2, 'sent'); // in flight, out of the queue
    endSpans(tracer, 6, 'queued'); // four fit the queue, two are dropped
    await new Promise((resolve) => setImmediate(resolve));
    expect(sender.waiting).toBe(1);

    sender.release();
    await exporter.forceFlush();
    expect(spanNames(sender.bodies)).toEqual([
      'sent 0',
      'sent 1',
      'queued 0',
      'queued 1',
      'queued 2',
      'queued 3',
    ]);
  });

  it('hands a failed export to the global error handler and goes on with the next', async () => {
    const errors: unknown[] = [];
    setGlobalErrorHandler((error) => errors.push(error));
    const { sender, exporter, tracer } = pipeline({ maxExportBatchSize: 1 });
    const failure = new Error('collector down');
    sender.fail = failure;

    endSpans(tracer, 1, 'lost');
    await exporter.forceFlush();
    sender.fail = undefined;
    endSpans(tracer, 1, 'kept');
    await exporter.forceFlush();

    expect(errors).toEqual([failure]);
    expect(spanNames(sender.bodies)).toEqual(['kept 0']);
  });

  it('sends what is batched on shutdown, then refuses spans and closes the sender', async () => {
    const { sender, exporter, tracer } = pipeline();

    endSpans(tracer, 2, 'before');
    await exporter.shutdown();
    endSpans(tracer, 1, 'after');
    await exporter.forceFlush();

    expect(spanNames(sender.bodies)).toEqual(['before 0', 'before 1']);
    expect(sender.closed).toBe(true);
  });

  it('frames the spans in place, or in front of a copy when the resource is too big for the room', async () => {
    for (const size of [10, 10_000]) {
      const resource = resourceFromAttributes({ 'service.name': 'gw', big: 'r'.repeat(size) });
      const sender = new RecordingSender();
      const exporter = new GatewaySpanExporter(
        sender,
        resource,
        { name: 'routeiq-gateway' },
        DEFAULT_LIMITS,
        BATCH,
      );
      endSpans(new GatewaySpanTracer(new AlwaysOnSampler(), exporter), 2);
      await exporter.forceFlush();

      expect(spanNames(sender.bodies)).toEqual(['span 0', 'span 1']);
      const request = decodeTraceRequest(sender.bodies[0]!) as {
        resourceSpans: Array<{ resource: { attributes: Array<{ key: string }> } }>;
      };
      expect(request.resourceSpans[0]!.resource.attributes.map((a) => a.key)).toEqual([
        'service.name',
        'big',
      ]);
    }
  });

  it('waits for resource attributes still being detected', async () => {
    let settle: (value: string) => void = () => undefined;
    const hostId = new Promise<string>((resolve) => (settle = resolve));
    const resource = resourceFromAttributes({ 'service.name': 'gw', 'host.id': hostId });
    const sender = new RecordingSender();
    const exporter = new GatewaySpanExporter(
      sender,
      resource,
      { name: 'routeiq-gateway' },
      DEFAULT_LIMITS,
      BATCH,
    );
    new GatewaySpanTracer(new AlwaysOnSampler(), exporter).startSpan('s', {}, ROOT_CONTEXT).end();

    const flushed = exporter.forceFlush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sender.bodies).toEqual([]);
    settle('host-1');
    await flushed;

    const request = decodeTraceRequest(sender.bodies[0]!) as {
      resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: unknown }> } }>;
    };
    expect(request.resourceSpans[0]!.resource.attributes).toContainEqual({
      key: 'host.id',
      value: expect.objectContaining({ stringValue: 'host-1' }),
    });
  });
});

describe(`${GatewaySpanExporter.name} over OTLP/HTTP`, () => {
  let server: Server;
  const received: Array<{ path: string; headers: IncomingHttpHeaders; body: Buffer }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('posts protobuf requests a collector decodes, parent and child in one trace', async () => {
    const { port } = server.address() as AddressInfo;
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` };
    const transport = new OtlpHttpTransport(resolveOtlpTraceExportConfig(env));
    const exporter = new GatewaySpanExporter(
      transport,
      SCRIPT_RESOURCE,
      { name: 'routeiq-gateway' },
      DEFAULT_LIMITS,
      BATCH,
    );
    const tracer = new GatewaySpanTracer(new AlwaysOnSampler(), exporter);
    const parent = tracer.startSpan('parent', {}, ROOT_CONTEXT);
    tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, parent)).end();
    parent.end();

    await exporter.shutdown();

    expect(received.map((r) => [r.path, r.headers['content-type']])).toEqual([
      ['/v1/traces', 'application/x-protobuf'],
    ]);
    const [child, root] = (
      decodeTraceRequest(received[0]!.body) as {
        resourceSpans: Array<{
          scopeSpans: Array<{
            scope: { name: string };
            spans: Array<{ traceId: number[]; spanId: number[]; parentSpanId: number[] }>;
          }>;
        }>;
      }
    ).resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(child!.parentSpanId).toEqual(root!.spanId);
    expect(child!.traceId).toEqual(root!.traceId);
    expect(Buffer.from(root!.traceId).toString('hex')).toBe(parent.spanContext().traceId);
  });
});
