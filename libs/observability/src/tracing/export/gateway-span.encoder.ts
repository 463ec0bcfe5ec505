import type { AttributeValue } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { AttributeBlock } from '../spans/attribute-block';
import type { GatewaySpan, GatewaySpanEvent } from '../spans/gateway-span';
import { AttributeSectionTemplates, type AttributeWriter } from './attribute-section.templates';
import { writeAttributes, writeKeyValue } from './otlp-attributes.encoder';
import { writeTextKeyValue } from './otlp-text.encoder';
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
const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;
/** Span names whose encoding is kept, at most. */
const CACHED_NAMES_LIMIT = 1024;

/**
 * Values remembered per attribute key: a key often takes a few values in turn (the request model
 * on the request span, the upstream model on the call span).
 */
const VALUES_PER_KEY = 4;

/**
 * The last values one attribute key took, and their `KeyValue` bytes once a value repeated. A
 * one-string array (`['stop']`) is remembered by its string, with `arrays[i]` set.
 */
interface CachedKey {
  readonly values: AttributeValue[];
  readonly arrays: boolean[];
  readonly bytes: (Uint8Array | undefined)[];
  /** The slot the next new value takes (round robin). */
  next: number;
}

/**
 * Encodes ended spans as elements of `ScopeSpans.spans` (tag and length included): the same
 * fields the SDK span encoding writes (see OtlpProtoEncoder), read from the gateway span's plain
 * fields. Most attributes repeat their value request after request (method, route, model,
 * deployment, status...): runs of attributes the last span of the same name had too are copied
 * as bytes (AttributeSectionTemplates), and an attribute whose value is one of the last few its
 * key took is copied as bytes as well.
 */
export class GatewaySpanEncoder {
  private readonly attributes = new Map<string, CachedKey>();
  /** `Span.name` (tag, length and bytes) per name: names repeat request after request. */
  private readonly names = new Map<string, Uint8Array>();
  private readonly sections = new AttributeSectionTemplates();
  private readonly writeAttribute: AttributeWriter = (w, key, value) =>
    this.attribute(w, key, value);

  write(w: ProtoBufferWriter, span: GatewaySpan): void {
    try {
      this.writeSpan(w, span);
    } catch (error) {
      // The caller rewinds the writer: the bytes a template would point at get reused.
      this.sections.spanDropped();
      throw error;
    }
  }

  private writeSpan(w: ProtoBufferWriter, span: GatewaySpan): void {
    w.byte(SCOPE_SPANS_SPANS);
    const start = w.begin(2);
    const context = span.spanContext();
    const parent = span.parent;
    w.byte(SPAN_TRACE_ID);
    writeId(w, context.traceId, span.traceIdBytes, span.traceIdAt, TRACE_ID_BYTES);
    w.byte(SPAN_SPAN_ID);
    writeId(w, context.spanId, span.spanIdBytes, span.spanIdAt, SPAN_ID_BYTES);
    writeTraceState(w, SPAN_TRACE_STATE, context.traceState?.serialize());
    if (parent) {
      const parentSpan = span.parentSpan;
      w.byte(SPAN_PARENT_SPAN_ID);
      writeId(w, parent.spanId, parentSpan?.spanIdBytes, parentSpan?.spanIdAt ?? 0, SPAN_ID_BYTES);
    }
    this.writeName(w, span.name);
    // The API's SpanKind starts at INTERNAL = 0; the proto keeps 0 for UNSPECIFIED.
    w.byte(SPAN_KIND);
    w.varint32(span.kind + 1);
    w.byte(SPAN_START);
    w.fixed64Millis(span.startMs);
    w.byte(SPAN_END);
    w.fixed64Millis(span.endMs);
    this.sections.write(w, span.name, span.keys, span.values, this.writeAttribute);
    if (span.blocks) for (const block of span.blocks) w.bytesRaw(encodedBlock(block));
    writeCount(w, SPAN_DROPPED_ATTRIBUTES, span.droppedAttributesCount);
    if (span.events) for (const event of span.events) writeEvent(w, event);
    writeCount(w, SPAN_DROPPED_EVENTS, span.droppedEventsCount);
    if (span.links) for (const link of span.links) writeLink(w, link);
    writeCount(w, SPAN_DROPPED_LINKS, span.droppedLinksCount);
    writeStatus(w, span.status);
    writeSpanFlags(w, context.traceFlags, parent?.isRemote);
    const shift = varintSize(w.pos - start - 2) - 2;
    w.end(start, 2);
    this.sections.spanDone(shift);
  }

  private writeName(w: ProtoBufferWriter, name: string): void {
    const encoded = this.names.get(name);
    if (encoded !== undefined) {
      w.bytesRaw(encoded);
      return;
    }
    const start = w.pos;
    w.byte(SPAN_NAME);
    w.string(name);
    if (this.names.size < CACHED_NAMES_LIMIT)
      this.names.set(name, Buffer.from(w.buf.subarray(start, w.pos)));
  }

  private attribute(w: ProtoBufferWriter, key: string, value: AttributeValue): void {
    // Arrays are compared by their one string, if that is all they hold; other arrays never.
    let probe: AttributeValue | undefined = value;
    let array = false;
    if (typeof value === 'object') {
      const items = value as unknown[];
      probe = items.length === 1 && typeof items[0] === 'string' ? items[0] : undefined;
      array = true;
    }
    const cached = this.attributes.get(key);
    if (probe === undefined || cached === undefined) {
      this.encode(w, key, value, probe, array, undefined);
      return;
    }
    const values = cached.values;
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== probe || cached.arrays[i] !== array) continue;
      const bytes = cached.bytes[i];
      if (bytes !== undefined) w.bytesRaw(bytes);
      else {
        // Seen once before: worth keeping as bytes now.
        const start = w.pos;
        writeKeyValue(w, key, value, SPAN_ATTRIBUTES);
        cached.bytes[i] = Buffer.from(w.buf.subarray(start, w.pos));
      }
      return;
    }
    this.encode(w, key, value, probe, array, cached);
  }

  /** A value not remembered for its key: written, and remembered (bytes once it repeats). */
  private encode(
    w: ProtoBufferWriter,
    key: string,
    value: AttributeValue,
    probe: AttributeValue | undefined,
    array: boolean,
    cached: CachedKey | undefined,
  ): void {
    writeKeyValue(w, key, value, SPAN_ATTRIBUTES);
    if (probe === undefined) return;
    if (cached === undefined) {
      if (this.attributes.size < CACHED_KEYS_LIMIT)
        this.attributes.set(key, { values: [probe], arrays: [array], bytes: [undefined], next: 1 });
      return;
    }
    const slot = cached.next;
    cached.values[slot] = probe;
    cached.arrays[slot] = array;
    cached.bytes[slot] = undefined;
    cached.next = (slot + 1) % VALUES_PER_KEY;
  }
}

/** A block's `KeyValue`s, encoded the first time a span has it (they never change). */
function encodedBlock(block: AttributeBlock): Uint8Array {
  let encoded = block.encoded;
  if (encoded === undefined) {
    const w = new ProtoBufferWriter(256);
    const { keys, values } = block;
    for (let i = 0; i < keys.length; i++) writeKeyValue(w, keys[i]!, values[i], SPAN_ATTRIBUTES);
    encoded = block.encoded = Buffer.from(w.finish());
  }
  return encoded;
}

/**
 * An id (length-prefixed) from its raw bytes when known (`size` of them: the hex string's length
 * is not read, its site saw sliced, flat and internalized strings and went megamorphic), else
 * from its hex.
 */
function writeId(
  w: ProtoBufferWriter,
  hex: string,
  bytes: Uint8Array | undefined,
  at: number,
  size: number,
): void {
  if (bytes === undefined) w.hexBytes(hex);
  else w.bytesFrom(bytes, at, size);
}

function writeEvent(w: ProtoBufferWriter, event: GatewaySpanEvent): void {
  w.byte(SPAN_EVENTS);
  const start = w.begin(1);
  w.byte(EVENT_TIME);
  w.fixed64Millis(event.timeMs);
  w.byte(EVENT_NAME);
  w.string(event.name);
  if (event.attributes) writeAttributes(w, event.attributes, EVENT_ATTRIBUTES);
  if (event.text !== undefined) writeTextKeyValue(w, event.textKey!, event.text, EVENT_ATTRIBUTES);
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
