import type { Attributes, SpanStatus } from '@opentelemetry/api';
import type { AttributeBlock } from '../spans/attribute-block';
import { STATUS_CODE } from '../../telemetry/otel-api';
import { EndedChildSpan } from '../spans/ended-child.span';
import type { GatewaySpan, GatewaySpanEvent } from '../spans/gateway-span';
import type { PiecewiseText } from '../spans/piecewise-text';
import { AttributeSectionTemplates } from './attribute-section.templates';
import { AttributeValueCache } from './attribute-value.cache';
import { writeAttributes, writeKeyValue } from './otlp-attributes.encoder';
import { writeTextKeyValue } from './otlp-text.encoder';
import {
  EVENT_ATTRIBUTES,
  EVENT_DROPPED_ATTRIBUTES,
  EVENT_NAME,
  EVENT_TIME,
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
  writeSpanFlags,
  writeStatus,
  writeTraceState,
} from './otlp-fields.encoder';
import { ProtoBufferWriter, varintSize, viewOf } from './proto-buffer.writer';

const UNSET_STATUS: SpanStatus = Object.freeze({ code: STATUS_CODE.UNSET });
const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;
/** Span names whose encoding is kept, at most. */
const CACHED_NAMES_LIMIT = 1024;

/**
 * Encodes ended spans as elements of `ScopeSpans.spans` (tag and length included): the same
 * fields the SDK span encoding writes (see OtlpProtoEncoder), read from the gateway span's plain
 * fields. Most attributes repeat their value request after request (method, route, model,
 * deployment, status...): runs of attributes and blocks the last span of the same name had too
 * are copied as bytes (AttributeSectionTemplates), and an attribute whose value is one of the last
 * few its key took is copied as bytes as well.
 */
export class GatewaySpanEncoder {
  private readonly values = new AttributeValueCache();
  /** `Span.name` (tag, length and bytes) per name: names repeat request after request. */
  private readonly names = new Map<string, Uint8Array>();
  /** The id pool whose view is kept, and the view. */
  private pool: Uint8Array | undefined;
  private poolView: DataView | undefined;
  private readonly sections = new AttributeSectionTemplates(
    (w, key, value) => this.values.write(w, key, value),
    encodedBlock,
  );

  write(w: ProtoBufferWriter, span: GatewaySpan | EndedChildSpan): void {
    if (span instanceof EndedChildSpan) {
      // No section template: nothing to forget if it throws.
      this.writeEndedChild(w, span);
      return;
    }
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
    this.writeId(w, context.traceId, span.traceIdBytes, span.traceIdAt, TRACE_ID_BYTES);
    w.byte(SPAN_SPAN_ID);
    this.writeId(w, context.spanId, span.spanIdBytes, span.spanIdAt, SPAN_ID_BYTES);
    writeTraceState(w, SPAN_TRACE_STATE, context.traceState?.serialize());
    if (parent) {
      const parentSpan = span.parentSpan;
      w.byte(SPAN_PARENT_SPAN_ID);
      const bytes = parentSpan?.spanIdBytes;
      this.writeId(w, parent.spanId, bytes, parentSpan?.spanIdAt ?? 0, SPAN_ID_BYTES);
    }
    this.writeNameKindTimes(w, span.name, span.kind, span.startMs, span.endMs);
    this.sections.write(w, span.name, span.keys, span.values, span.blocks);
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

  /**
   * A child taken whole (EndedChildSpan): the fields writeSpan writes for a span with the same
   * content (a local parent, status unset, nothing dropped, no links), its own attribute first.
   */
  private writeEndedChild(w: ProtoBufferWriter, child: EndedChildSpan): void {
    const parent = child.parent!;
    const context = parent.spanContext();
    w.byte(SCOPE_SPANS_SPANS);
    const start = w.begin(2);
    w.byte(SPAN_TRACE_ID);
    this.writeId(w, context.traceId, parent.traceIdBytes, parent.traceIdAt, TRACE_ID_BYTES);
    w.byte(SPAN_SPAN_ID);
    w.id(this.viewOf(child.spanIdBytes!), child.spanIdAt, SPAN_ID_BYTES);
    writeTraceState(w, SPAN_TRACE_STATE, context.traceState?.serialize());
    w.byte(SPAN_PARENT_SPAN_ID);
    this.writeId(w, context.spanId, parent.spanIdBytes, parent.spanIdAt, SPAN_ID_BYTES);
    this.writeNameKindTimes(w, child.name, child.kind, child.startMs, child.endMs);
    this.values.write(w, child.key, child.value);
    this.writeBlock(w, child.block);
    writeEventFields(
      w,
      child.eventName,
      child.endMs,
      undefined,
      0,
      child.eventKey,
      child.eventText,
    );
    writeStatus(w, UNSET_STATUS);
    writeSpanFlags(w, context.traceFlags, false);
    w.end(start, 2);
  }

  /**
   * An id (length-prefixed) from its raw bytes when known (`size` of them: the hex string's length
   * is not read, its site saw sliced, flat and internalized strings and went megamorphic), else
   * from its hex.
   */
  private writeId(
    w: ProtoBufferWriter,
    hex: string,
    bytes: Uint8Array | undefined,
    at: number,
    size: number,
  ): void {
    if (bytes === undefined) w.hexBytes(hex);
    else w.id(this.viewOf(bytes), at, size);
  }

  /** A view of an id pool's bytes (spans of a burst mostly share the pool: one view is kept). */
  private viewOf(bytes: Uint8Array): DataView {
    if (bytes !== this.pool) {
      this.pool = bytes;
      this.poolView = viewOf(bytes);
    }
    return this.poolView!;
  }

  /** A lasting block as the bytes it keeps; one request's values as attributes set one by one. */
  private writeBlock(w: ProtoBufferWriter, block: AttributeBlock): void {
    if (block.lasting) {
      w.bytesRaw(encodedBlock(block));
      return;
    }
    const { keys, values } = block;
    for (let i = 0; i < keys.length; i++) this.values.write(w, keys[i]!, values[i]!);
  }

  /** `Span.name`, `.kind`, `.start_time_unix_nano` and `.end_time_unix_nano`. */
  private writeNameKindTimes(
    w: ProtoBufferWriter,
    name: string,
    kind: number,
    startMs: number,
    endMs: number,
  ): void {
    this.writeName(w, name);
    // The API's SpanKind starts at INTERNAL = 0; the proto keeps 0 for UNSPECIFIED.
    w.byte(SPAN_KIND);
    w.varint32(kind + 1);
    w.byte(SPAN_START);
    w.fixed64Millis(startMs);
    w.byte(SPAN_END);
    w.fixed64Millis(endMs);
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

function writeEvent(w: ProtoBufferWriter, event: GatewaySpanEvent): void {
  writeEventFields(
    w,
    event.name,
    event.timeMs,
    event.attributes,
    event.droppedAttributesCount,
    event.textKey,
    event.text,
  );
}

/** A `Span.events` element; `text`, when given, is the value of one more attribute, `textKey`. */
function writeEventFields(
  w: ProtoBufferWriter,
  name: string,
  timeMs: number,
  attributes: Attributes | undefined,
  droppedAttributesCount: number,
  textKey: string | undefined,
  text: PiecewiseText | undefined,
): void {
  w.byte(SPAN_EVENTS);
  // An event with piecewise text (a decision record, ~0.5 KB) needs a two-byte length: reserved
  // up front, its body is not moved when it ends.
  const reserve = text === undefined ? 1 : 2;
  const start = w.begin(reserve);
  w.byte(EVENT_TIME);
  w.fixed64Millis(timeMs);
  w.byte(EVENT_NAME);
  w.string(name);
  if (attributes) writeAttributes(w, attributes, EVENT_ATTRIBUTES);
  if (text !== undefined) writeTextKeyValue(w, textKey!, text, EVENT_ATTRIBUTES);
  writeCount(w, EVENT_DROPPED_ATTRIBUTES, droppedAttributesCount);
  w.end(start, reserve);
}
