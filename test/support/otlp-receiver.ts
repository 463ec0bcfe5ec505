import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { parse } from 'protobufjs';

export type AttributeValue =
  string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
const STATUS_CODES = ['UNSET', 'OK', 'ERROR'] as const;

/** A span as the receiver got it, the same whether it came as OTLP JSON or protobuf. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: (typeof KINDS)[number];
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly attributes: Attributes;
  readonly events: Array<{ name: string; timeUnixNano: bigint; attributes: Attributes }>;
  readonly status: { code: (typeof STATUS_CODES)[number]; message?: string };
  readonly resource: Attributes;
  readonly scope: string;
}

export interface ReceivedRequest {
  readonly path: string;
  readonly contentType: string;
  readonly headers: IncomingHttpHeaders;
}

/** An in-process OTLP/HTTP collector for e2e tests (`/v1/traces`, `/v1/metrics`, `/v1/logs`). */
export interface OtlpReceiver {
  /** Base URL, e.g. `http://127.0.0.1:4318`; exporters post to `${url}/v1/traces`. */
  readonly url: string;
  /** Every span received, flattened across requests, in arrival order. */
  spans(): ReceivedSpan[];
  /** Distinct metric names, first seen first. */
  metricNames(): string[];
  /** Every request in arrival order, rejected ones included. */
  requests(): ReceivedRequest[];
  /** Why requests were answered 400/404/415, for failure messages. */
  errors(): string[];
  waitForSpans(
    predicate: (spans: ReceivedSpan[]) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedSpan[]>;
  clear(): void;
  close(): Promise<void>;
}

// The subset of opentelemetry-proto v1 the receiver reads, with upstream field numbers; enums are
// read as int32 (same wire type) and fields left out are skipped by the decoder.
const OTLP_PROTO = `
syntax = "proto3";
package otlp;
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3;
  double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6;
  bytes bytes_value = 7; } }
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message Resource { repeated KeyValue attributes = 1; }
message Scope { string name = 1; string version = 2; }
message Status { string message = 2; int32 code = 3; }
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; }
message Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5;
  int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; repeated Event events = 11; Status status = 15; }
message ScopeSpans { Scope scope = 1; repeated Span spans = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message Metric { string name = 1; }
message ScopeMetrics { Scope scope = 1; repeated Metric metrics = 2; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; }
message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message LogRecord { fixed64 time_unix_nano = 1; AnyValue body = 5; repeated KeyValue attributes = 6; }
message ScopeLogs { Scope scope = 1; repeated LogRecord log_records = 2; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message RpcStatus { int32 code = 1; string message = 2; }
`;
const PROTO_ROOT = parse(OTLP_PROTO).root;
const SIGNALS: Record<string, string> = {
  '/v1/traces': 'otlp.ExportTraceServiceRequest',
  '/v1/metrics': 'otlp.ExportMetricsServiceRequest',
  '/v1/logs': 'otlp.ExportLogsServiceRequest',
};
const JSON_TYPE = 'application/json';
const PROTOBUF_TYPE = 'application/x-protobuf';

// OTLP JSON field names; protobufjs' toObject produces the same camelCase shape.
interface WireKeyValue {
  key?: string;
  value?: WireAnyValue;
}
interface WireAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: string | number;
  arrayValue?: { values?: WireAnyValue[] };
  kvlistValue?: { values?: WireKeyValue[] };
  bytesValue?: string;
}
type WireTime = string | number | undefined;
interface WireSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number | string;
  startTimeUnixNano?: WireTime;
  endTimeUnixNano?: WireTime;
  attributes?: WireKeyValue[];
  events?: Array<{ timeUnixNano?: WireTime; name?: string; attributes?: WireKeyValue[] }>;
  status?: { code?: number | string; message?: string };
}
interface WireTraces {
  resourceSpans?: Array<{
    resource?: { attributes?: WireKeyValue[] };
    scopeSpans?: Array<{ scope?: { name?: string }; spans?: WireSpan[] }>;
  }>;
}
interface WireMetrics {
  resourceMetrics?: Array<{ scopeMetrics?: Array<{ metrics?: Array<{ name?: string }> }> }>;
}

class RejectedRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function toValue(v: WireAnyValue | undefined): AttributeValue {
  if (v?.stringValue !== undefined) return v.stringValue;
  if (v?.boolValue !== undefined) return v.boolValue;
  if (v?.intValue !== undefined) return Number(v.intValue);
  if (v?.doubleValue !== undefined) return Number(v.doubleValue);
  if (v?.arrayValue) return (v.arrayValue.values ?? []).map(toValue);
  if (v?.kvlistValue) return toAttributes(v.kvlistValue.values);
  return v?.bytesValue ?? null;
}

function toAttributes(list: WireKeyValue[] | undefined): Attributes {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key ?? '', toValue(kv.value)]));
}

function toEnum<T extends string>(names: readonly T[], prefix: string, raw: unknown): T {
  const found =
    raw === undefined
      ? names[0]
      : typeof raw === 'number'
        ? names[raw]
        : names.find((n) => `${prefix}${n}` === raw);
  if (found === undefined)
    throw new RejectedRequest(400, `unknown ${prefix}* value ${String(raw)}`);
  return found;
}

/** Protobuf bytes arrive base64 (toObject); OTLP JSON already carries hex, in either case. */
function toId(raw: string | undefined, hexLength: number, base64: boolean): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const hex = base64 ? Buffer.from(raw, 'base64').toString('hex') : raw.toLowerCase();
  if (hex.length !== hexLength || !/^[0-9a-f]+$/.test(hex)) {
    throw new RejectedRequest(400, `id "${raw}" is not ${hexLength} hex digits`);
  }
  return hex;
}

function toSpan(span: WireSpan, resource: Attributes, scope: string, base64: boolean) {
  const traceId = toId(span.traceId, 32, base64);
  const spanId = toId(span.spanId, 16, base64);
  if (!traceId || !spanId) throw new RejectedRequest(400, `span ${span.name} without ids`);
  const parentSpanId = toId(span.parentSpanId, 16, base64);
  const received: ReceivedSpan = {
    traceId,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name: span.name ?? '',
    kind: toEnum(KINDS, 'SPAN_KIND_', span.kind),
    startTimeUnixNano: BigInt(span.startTimeUnixNano ?? 0),
    endTimeUnixNano: BigInt(span.endTimeUnixNano ?? 0),
    attributes: toAttributes(span.attributes),
    events: (span.events ?? []).map((e) => ({
      name: e.name ?? '',
      timeUnixNano: BigInt(e.timeUnixNano ?? 0),
      attributes: toAttributes(e.attributes),
    })),
    status: {
      code: toEnum(STATUS_CODES, 'STATUS_CODE_', span.status?.code),
      ...(span.status?.message ? { message: span.status.message } : {}),
    },
    resource,
    scope,
  };
  return received;
}

function toSpans(payload: WireTraces, base64: boolean): ReceivedSpan[] {
  return (payload.resourceSpans ?? []).flatMap((rs) => {
    const resource = toAttributes(rs.resource?.attributes);
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((span) => toSpan(span, resource, ss.scope?.name ?? '', base64)),
    );
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const encoding = req.headers['content-encoding'] ?? 'identity';
  if (encoding === 'gzip') return promisify(gunzip)(raw);
  if (encoding === 'identity') return raw;
  throw new RejectedRequest(415, `unsupported content-encoding ${encoding}`);
}

class OtlpReceiverServer implements OtlpReceiver {
  url = '';
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));
  private received: ReceivedSpan[] = [];
  private metrics: string[] = [];
  private log: ReceivedRequest[] = [];
  private failures: string[] = [];

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  spans = (): ReceivedSpan[] => [...this.received];
  metricNames = (): string[] => [...new Set(this.metrics)];
  requests = (): ReceivedRequest[] => [...this.log];
  errors = (): string[] => [...this.failures];

  async waitForSpans(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const spans = this.spans();
      if (predicate(spans)) return spans;
      if (Date.now() >= deadline) {
        const names = spans.map((s) => s.name).join(', ') || 'none';
        const errors = this.failures.length ? `; rejected: ${this.failures.join('; ')}` : '';
        throw new Error(`no matching spans after ${timeoutMs} ms; received: ${names}${errors}`);
      }
      await sleep(25);
    }
  }

  clear(): void {
    this.received = [];
    this.metrics = [];
    this.log = [];
    this.failures = [];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const contentType = req.headers['content-type'] ?? '';
    const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
    this.log.push({ path, contentType, headers: req.headers });
    try {
      const typeName = SIGNALS[path];
      if (req.method !== 'POST' || !typeName) throw new RejectedRequest(404, `no route ${path}`);
      if (mediaType !== JSON_TYPE && mediaType !== PROTOBUF_TYPE) {
        throw new RejectedRequest(415, `unsupported content-type ${contentType}`);
      }
      const body = await readBody(req);
      this.ingest(path, this.decode(typeName, mediaType, body), mediaType === PROTOBUF_TYPE);
      this.reply(res, 200, mediaType, {});
    } catch (err) {
      const status = err instanceof RejectedRequest ? err.status : 400;
      const message = err instanceof Error ? err.message : String(err);
      this.failures.push(`${req.method} ${path}: ${status} ${message}`);
      this.reply(res, status, mediaType, { code: 3, message });
    }
  }

  private decode(typeName: string, mediaType: string, body: Buffer): unknown {
    if (mediaType === JSON_TYPE) return JSON.parse(body.toString('utf8'));
    const type = PROTO_ROOT.lookupType(typeName);
    return type.toObject(type.decode(body), { longs: String, bytes: String, enums: Number });
  }

  private ingest(path: string, payload: unknown, base64Ids: boolean): void {
    if (path === '/v1/traces') this.received.push(...toSpans(payload as WireTraces, base64Ids));
    if (path === '/v1/metrics') {
      const { resourceMetrics = [] } = payload as WireMetrics;
      const metrics = resourceMetrics.flatMap((rm) => rm.scopeMetrics ?? []);
      this.metrics.push(...metrics.flatMap((sm) => (sm.metrics ?? []).map((m) => m.name ?? '')));
    }
  }

  /** Success is the empty Export*ServiceResponse; failures carry a google.rpc.Status. */
  private reply(res: ServerResponse, status: number, mediaType: string, body: object): void {
    if (mediaType === PROTOBUF_TYPE) {
      const type = PROTO_ROOT.lookupType('otlp.RpcStatus');
      const bytes = status === 200 ? new Uint8Array() : type.encode(type.fromObject(body)).finish();
      res.writeHead(status, { 'content-type': PROTOBUF_TYPE }).end(Buffer.from(bytes));
      return;
    }
    res.writeHead(status, { 'content-type': JSON_TYPE }).end(JSON.stringify(body));
  }
}

/** Starts an OTLP/HTTP receiver on 127.0.0.1 and a free port. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const receiver = new OtlpReceiverServer();
  await receiver.listen();
  return receiver;
}

const byStart = (a: ReceivedSpan, b: ReceivedSpan): number =>
  a.startTimeUnixNano < b.startTimeUnixNano
    ? -1
    : a.startTimeUnixNano > b.startTimeUnixNano
      ? 1
      : 0;

/** Direct children of `span` (same trace), oldest first. */
export function childrenOf(spans: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] {
  return spans
    .filter((s) => s.traceId === span.traceId && s.parentSpanId === span.spanId)
    .sort(byStart);
}

/** One trace as an indented tree of span names, for readable assertion failures. */
export function spanTree(spans: ReceivedSpan[], traceId: string): string {
  const trace = spans.filter((s) => s.traceId === traceId);
  if (trace.length === 0) return `(no spans in trace ${traceId})`;
  const ids = new Set(trace.map((s) => s.spanId));
  const lines: string[] = [];
  const visit = (span: ReceivedSpan, depth: number): void => {
    const orphan = span.parentSpanId && depth === 0 ? ` (parent ${span.parentSpanId} missing)` : '';
    lines.push(`${'  '.repeat(depth)}${span.name}${orphan}`);
    childrenOf(trace, span).forEach((child) => visit(child, depth + 1));
  };
  const roots = trace.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId)).sort(byStart);
  roots.forEach((root) => visit(root, 0));
  return lines.join('\n');
}
