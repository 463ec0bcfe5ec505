import type { AttributeValue } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { GatewaySpan, GatewaySpanEvent } from '../spans/gateway-span';
import { writeAttributes, writeKeyValue } from './otlp-attributes.encoder';
import {
  EVENT_ATTRIBUTES,
  EVENT_DROPPED_ATTRIBUTES,
  EVENT_NAME,
  EVENT_TIME,
  REQUEST_RESOURCE_SPANS,
  RESOURCE_SPANS_SCHEMA_URL,
  RESOURCE_SPANS_SCOPE_SPANS,
  SCOPE_SPANS_SCHEMA_URL,
  SCOPE_SPANS_SPANS,
  SPAN_ATTRIBUTES,
  SPAN_DROPPED_ATTRIBUTES,
  SPAN_DROPPED_EVENTS,
  SPAN_DROPPED_LINKS,
  SPAN_END,
  SPAN_EVENTS,
  SPAN_KIND,
  SPAN_NAME,
  SPAN_PARENT_SPAN_ID,
  SPAN_SPAN_ID,
  SPAN_START,
  SPAN_TRACE_ID,
  SPAN_TRACE_STATE,
  writeCount,
  writeLink,
  writeResource,
  writeScope,
  writeSpanFlags,
  writeStatus,
  writeTraceState,
  type Scope,
} from './otlp-fields.encoder';
import { ProtoBufferWriter, varintSize } from './proto-buffer.writer';

const CACHED_KEYS_LIMIT = 1024;

/** The last value of one attribute key, and its `KeyValue` bytes once that value repeated. */
interface CachedAttribute {
  value: AttributeValue;
  bytes: Uint8Array | undefined;
}

/**
 * Encodes ended spans as elements of `ScopeSpans.spans` (tag and length included): the same
 * fields the SDK span encoding writes (see OtlpProtoEncoder), read from the gateway span's plain
 * fields. Most attributes repeat their value request after request (method, route, model,
 * deployment, status...): an attribute whose value is the same as last time is copied as bytes.
 */
export class GatewaySpanEncoder {
  private readonly attributes = new Map<string, CachedAttribute>();

  write(w: ProtoBufferWriter, span: GatewaySpan): void {
    w.byte(SCOPE_SPANS_SPANS);
    const start = w.begin(2);
    const context = span.spanContext();
    const parent = span.parent;
    w.byte(SPAN_TRACE_ID);
    writeId(w, context.traceId, span.traceIdBytes, span.traceIdAt);
    w.byte(SPAN_SPAN_ID);
    writeId(w, context.spanId, span.spanIdBytes, span.spanIdAt);
    writeTraceState(w, SPAN_TRACE_STATE, context.traceState?.serialize());
    if (parent) {
      const parentSpan = span.parentSpan;
      w.byte(SPAN_PARENT_SPAN_ID);
      writeId(w, parent.spanId, parentSpan?.spanIdBytes, parentSpan?.spanIdAt ?? 0);
    }
    w.byte(SPAN_NAME);
    w.string(span.name);
    // The API's SpanKind starts at INTERNAL = 0; the proto keeps 0 for UNSPECIFIED.
    w.byte(SPAN_KIND);
    w.varint32(span.kind + 1);
    w.byte(SPAN_START);
    w.fixed64Millis(span.startMs);
    w.byte(SPAN_END);
    w.fixed64Millis(span.endMs);
    const keys = span.keys;
    const values = span.values;
    for (let i = 0; i < keys.length; i++) this.attribute(w, keys[i]!, values[i]!);
    writeCount(w, SPAN_DROPPED_ATTRIBUTES, span.droppedAttributesCount);
    if (span.events) for (const event of span.events) writeEvent(w, event);
    writeCount(w, SPAN_DROPPED_EVENTS, span.droppedEventsCount);
    if (span.links) for (const link of span.links) writeLink(w, link);
    writeCount(w, SPAN_DROPPED_LINKS, span.droppedLinksCount);
    writeStatus(w, span.status);
    writeSpanFlags(w, context.traceFlags, parent?.isRemote);
    w.end(start, 2);
  }

  private attribute(w: ProtoBufferWriter, key: string, value: AttributeValue): void {
    const cached = this.attributes.get(key);
    if (cached !== undefined && cached.value === value && cached.bytes !== undefined) {
      w.bytesRaw(cached.bytes);
      return;
    }
    const start = w.pos;
    writeKeyValue(w, key, value, SPAN_ATTRIBUTES);
    // Arrays are compared by identity, which says nothing about their content: never cached.
    if (typeof value === 'object') return;
    if (cached === undefined) {
      if (this.attributes.size < CACHED_KEYS_LIMIT)
        this.attributes.set(key, { value, bytes: undefined });
    } else if (cached.value === value) {
      cached.bytes = Buffer.from(w.buf.subarray(start, w.pos));
    } else {
      cached.value = value;
      cached.bytes = undefined;
    }
  }
}

/** An id (length-prefixed) from its raw bytes when known, else from its hex. */
function writeId(
  w: ProtoBufferWriter,
  hex: string,
  bytes: Uint8Array | undefined,
  at: number,
): void {
  if (bytes === undefined) w.hexBytes(hex);
  else w.bytesFrom(bytes, at, hex.length >>> 1);
}

function writeEvent(w: ProtoBufferWriter, event: GatewaySpanEvent): void {
  w.byte(SPAN_EVENTS);
  const start = w.begin(1);
  w.byte(EVENT_TIME);
  w.fixed64Millis(event.timeMs);
  w.byte(EVENT_NAME);
  w.string(event.name);
  if (event.attributes) writeAttributes(w, event.attributes, EVENT_ATTRIBUTES);
  writeCount(w, EVENT_DROPPED_ATTRIBUTES, event.droppedAttributesCount);
  w.end(start, 1);
}

/**
 * What an `ExportTraceServiceRequest` holds around the spans of one resource and one scope: spans
 * encoded one by one (see {@link GatewaySpanEncoder}) become a request with one copy.
 */
export class OtlpRequestFrame {
  /** `ResourceSpans.resource` and `.schema_url`. */
  private readonly resourcePart: Buffer;
  /** `ScopeSpans.scope` and `.schema_url`. */
  private readonly scopePart: Buffer;

  /** Resource attributes must be settled (no async attributes pending). */
  constructor(resource: Resource, scope: Scope) {
    const resourceWriter = new ProtoBufferWriter(1024);
    writeResource(resourceWriter, resource);
    if (resource.schemaUrl) {
      resourceWriter.byte(RESOURCE_SPANS_SCHEMA_URL);
      resourceWriter.string(resource.schemaUrl);
    }
    this.resourcePart = Buffer.from(resourceWriter.finish());
    const scopeWriter = new ProtoBufferWriter(256);
    writeScope(scopeWriter, scope);
    if (scope.schemaUrl) {
      scopeWriter.byte(SCOPE_SPANS_SCHEMA_URL);
      scopeWriter.string(scope.schemaUrl);
    }
    this.scopePart = Buffer.from(scopeWriter.finish());
  }

  /**
   * The request holding the spans in `buf` from `start` to `end` (a run of encoded
   * `ScopeSpans.spans` elements). The frame goes into the room left before `start` when it fits
   * (no copy of the spans), else in front of a copy.
   */
  wrap(buf: Buffer, start: number, end: number): Buffer {
    const scopeSpans = this.scopePart.length + end - start;
    const resourceSpans = this.resourcePart.length + 1 + varintSize(scopeSpans) + scopeSpans;
    const head = new ProtoBufferWriter(16 + this.resourcePart.length + this.scopePart.length);
    head.byte(REQUEST_RESOURCE_SPANS);
    head.varint32(resourceSpans);
    head.bytesRaw(this.resourcePart);
    head.byte(RESOURCE_SPANS_SCOPE_SPANS);
    head.varint32(scopeSpans);
    head.bytesRaw(this.scopePart);
    const frame = head.finish();
    if (frame.length > start) return Buffer.concat([frame, buf.subarray(start, end)]);
    buf.set(frame, start - frame.length);
    return buf.subarray(start - frame.length, end);
  }
}
