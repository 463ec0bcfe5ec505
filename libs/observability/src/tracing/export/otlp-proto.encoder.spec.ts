import { SpanKind, SpanStatusCode, type Attributes, type SpanContext } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { decodeTraceRequest } from './__fixtures__/otlp-trace-decoder.fixture';
import { recordSampleSpans, REMOTE_PARENT } from './__fixtures__/sample-spans.fixture';
import { OtlpProtoEncoder } from './otlp-proto.encoder';

interface DecodedValue {
  stringValue?: string;
  intValue?: string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values: DecodedValue[] };
}
interface DecodedSpan {
  name: string;
  kind: number;
  flags: number;
  traceState: string;
  parentSpanId: number[];
  startTimeUnixNano: string;
  attributes: Array<{ key: string; value: DecodedValue }>;
  status: { code: number; message: string };
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
}
interface DecodedRequest {
  resourceSpans: Array<{
    schemaUrl: string;
    resource: { attributes: Array<{ key: string }> };
    scopeSpans: Array<{
      scope: { name: string; version: string };
      schemaUrl: string;
      spans: DecodedSpan[];
    }>;
  }>;
}

const sdkBytes = (spans: ReadableSpan[]): Uint8Array => {
  const bytes = ProtobufTraceSerializer.serializeRequest(spans);
  if (!bytes) throw new Error('the SDK serializer returned nothing');
  return bytes;
};
const decode = (bytes: Uint8Array): DecodedRequest => decodeTraceRequest(bytes) as never;
const spansOf = (request: DecodedRequest): DecodedSpan[] =>
  request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));

const BASE_CONTEXT: SpanContext = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: 0,
};

/** A hand-built span for values the SDK's own API would refuse or never produce. */
function handMadeSpan(
  attributes: Attributes | Record<string, unknown>,
  name = 'hand-made',
): ReadableSpan {
  return {
    name,
    kind: SpanKind.INTERNAL,
    spanContext: () => BASE_CONTEXT,
    startTime: [1_700_000_000, 123_456_789],
    endTime: [4_294_967_296, 999_999_999],
    status: { code: SpanStatusCode.UNSET },
    attributes: attributes as Attributes,
    links: [],
    events: [],
    duration: [0, 0],
    ended: true,
    resource: resourceFromAttributes({ 'service.name': 'hand' }),
    instrumentationScope: { name: 'hand' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

describe(OtlpProtoEncoder.name, () => {
  const spans = recordSampleSpans();

  it('decodes to the same request as the SDK serializer for real spans', () => {
    const ours = new OtlpProtoEncoder().encode(spans);

    expect(decode(ours)).toEqual(decode(sdkBytes(spans)));
  });

  it('groups by resource then by scope, keeping scope versions and schema URLs', () => {
    const request = decode(new OtlpProtoEncoder().encode(spans));

    expect(request.resourceSpans.map((r) => r.schemaUrl)).toEqual([
      '',
      'https://opentelemetry.io/schemas/1.30.0',
    ]);
    const scopes = request.resourceSpans.map((r) =>
      r.scopeSpans.map((s) => [s.scope.name, s.scope.version, s.schemaUrl, s.spans.length]),
    );
    expect(scopes).toEqual([
      [
        ['routeiq-routing', '', '', 3],
        ['routeiq-gateway', '0.1.0', 'https://opentelemetry.io/schemas/1.28.0', 2],
      ],
      [['routeiq-limits', '2.0.0', '', 2]],
    ]);
  });

  it('writes kinds, flags, trace state, parent ids, times, statuses and dropped counts', () => {
    const byName = new Map(
      spansOf(decode(new OtlpProtoEncoder().encode(spans))).map((s) => [s.name, s]),
    );
    const server = byName.get('POST /v1/chat/completions')!;
    const client = byName.get('chat gpt-4o-mini')!;
    const limited = byName.get('limited')!;
    const source = spans.find((s) => s.name === server.name)!;

    expect(server.kind).toBe(2);
    expect(client.kind).toBe(3);
    expect(server.flags).toBe(0x301); // sampled, is-remote known, parent remote
    expect(client.flags).toBe(0x101);
    expect(server.traceState).toBe('routeiq=r1,vendor=abc');
    expect(Buffer.from(server.parentSpanId).toString('hex')).toBe(REMOTE_PARENT.spanId);
    const [seconds, nanos] = source.startTime;
    expect(server.startTimeUnixNano).toBe(String(BigInt(seconds) * 1_000_000_000n + BigInt(nanos)));
    expect(server.status).toEqual({ code: 1, message: '' });
    expect(client.status).toEqual({ code: 2, message: 'upstream 503: überlastet' });
    expect([limited.droppedAttributesCount, limited.droppedEventsCount]).toEqual([1, 1]);
    expect(limited.droppedLinksCount).toBe(1);
  });

  it('types attribute values: int64, double, bool, string and arrays', () => {
    const route = spansOf(decode(new OtlpProtoEncoder().encode(spans))).find(
      (s) => s.name === 'routeiq.route',
    )!;
    const value = (key: string): DecodedValue | undefined =>
      route.attributes.find((a) => a.key === key)?.value;

    expect(value('int.beyond.safe')).toMatchObject({ intValue: String(2n ** 60n) });
    expect(value('int.negative')).toMatchObject({ intValue: '-7' });
    expect(value('double.value')).toMatchObject({ doubleValue: 0.8731 });
    expect(value('bool.false')).toMatchObject({ boolValue: false });
    expect(value('str.emoji')).toMatchObject({ stringValue: '🚀 launch 👩🏽‍💻' });
    expect(value('array.numbers')?.arrayValue?.values).toEqual([
      expect.objectContaining({ intValue: '1' }),
      expect.objectContaining({ doubleValue: 2.5 }),
      expect.objectContaining({ intValue: '-3' }),
    ]);
  });

  it('matches the SDK for values outside the API: bytes, maps, nulls, NaN, int64 edges, lone surrogates', () => {
    const span = handMadeSpan({
      bytes: new Uint8Array([0, 1, 255]),
      map: { nested: 'yes', depth: { n: 1 } },
      nothing: null,
      missing: undefined,
      'array.with.nulls': ['a', null, undefined, 'b'],
      nan: Number.NaN,
      infinity: Number.POSITIVE_INFINITY,
      'min.int64': -(2 ** 63),
      'max.exact': 2 ** 63 - 1024,
      'too.big': 2 ** 64,
      'minus.zero': -0,
      'lone.surrogate': 'a\ud800b',
    });

    expect(decode(new OtlpProtoEncoder().encode([span]))).toEqual(decode(sdkBytes([span])));
  });

  it('stays exact across length-prefix boundaries, big bodies and buffer growth', () => {
    const sizes = [0, 1, 23, 24, 42, 43, 127, 128, 129, 5_461, 16_383, 16_384, 70_000];
    const attributes: Attributes = {};
    for (const size of sizes) {
      attributes[`ascii.${size}`] = 'a'.repeat(size);
      attributes[`cjk.${size}`] = '世'.repeat(size);
    }
    const big = handMadeSpan({ huge: 'é'.repeat(1_200_000) }, 'x'.repeat(200));
    const batch = [handMadeSpan(attributes), big, ...spans];
    const encoder = new OtlpProtoEncoder();

    const first = encoder.encode(batch);
    const second = encoder.encode(spans);

    expect(first.length).toBeGreaterThan(2_097_152); // a ResourceSpans needing a 4-byte length
    expect(decode(first)).toEqual(decode(sdkBytes(batch)));
    expect(decode(second)).toEqual(decode(sdkBytes(spans)));
  });

  it('writes minimal lengths: never longer than the SDK output, which also writes zero fields', () => {
    const ours = new OtlpProtoEncoder().encode(spans);

    expect(ours.length).toBeLessThanOrEqual(sdkBytes(spans).length);
  });

  it('encodes no spans as an empty request', () => {
    const bytes = new OtlpProtoEncoder().encode([]);

    expect(bytes.length).toBe(0);
    expect(decode(bytes)).toEqual({ resourceSpans: [] });
  });
});
