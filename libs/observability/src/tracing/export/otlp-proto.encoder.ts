import type { Attributes, Link, SpanStatus } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { writeAttributes } from './otlp-attributes.encoder';
import { ProtoBufferWriter } from './proto-buffer.writer';

// Tags (field number << 3 | wire type) of opentelemetry-proto v1; 2 = length-delimited.
const REQUEST_RESOURCE_SPANS = 0x0a;
const RESOURCE_SPANS_RESOURCE = 0x0a;
const RESOURCE_SPANS_SCOPE_SPANS = 0x12;
const RESOURCE_SPANS_SCHEMA_URL = 0x1a;
const RESOURCE_ATTRIBUTES = 0x0a;
const SCOPE_SPANS_SCOPE = 0x0a;
const SCOPE_SPANS_SPANS = 0x12;
const SCOPE_SPANS_SCHEMA_URL = 0x1a;
const SCOPE_NAME = 0x0a;
const SCOPE_VERSION = 0x12;
const SCOPE_ATTRIBUTES = 0x1a;
const SCOPE_DROPPED_ATTRIBUTES = 0x20;
const SPAN_TRACE_ID = 0x0a;
const SPAN_SPAN_ID = 0x12;
const SPAN_TRACE_STATE = 0x1a;
const SPAN_PARENT_SPAN_ID = 0x22;
const SPAN_NAME = 0x2a;
const SPAN_KIND = 0x30;
const SPAN_START = 0x39;
const SPAN_END = 0x41;
const SPAN_ATTRIBUTES = 0x4a;
const SPAN_DROPPED_ATTRIBUTES = 0x50;
const SPAN_EVENTS = 0x5a;
const SPAN_DROPPED_EVENTS = 0x60;
const SPAN_LINKS = 0x6a;
const SPAN_DROPPED_LINKS = 0x70;
const SPAN_STATUS = 0x7a;
const SPAN_FLAGS = 0x85; // field 16, fixed32: a two-byte tag 0x85 0x01
const EVENT_TIME = 0x09;
const EVENT_NAME = 0x12;
const EVENT_ATTRIBUTES = 0x1a;
const EVENT_DROPPED_ATTRIBUTES = 0x20;
const LINK_TRACE_ID = 0x0a;
const LINK_SPAN_ID = 0x12;
const LINK_TRACE_STATE = 0x1a;
const LINK_ATTRIBUTES = 0x22;
const LINK_DROPPED_ATTRIBUTES = 0x28;
const LINK_FLAGS = 0x35;
const STATUS_MESSAGE = 0x12;
const STATUS_CODE = 0x18;

// SpanFlags: the W3C trace flags plus "the is-remote bit is known" and "the parent is remote".
const FLAGS_HAS_IS_REMOTE = 0x100;
const FLAGS_IS_REMOTE = 0x200;
const MIN_BUFFER = 64 * 1024;
const MAX_SIZE_HINT = 64 * 1024 * 1024;

/** The SDK's scope type omits attributes; newer tracers may still set them. */
type Scope = InstrumentationScope & { attributes?: Attributes; droppedAttributesCount?: number };
type ScopeGroups = Map<InstrumentationScope, ReadableSpan[]>;

/**
 * Encodes finished spans as an OTLP `ExportTraceServiceRequest` (protobuf), grouped by resource
 * then instrumentation scope (by identity, as the SDK's serializer groups them). Decodes to the
 * same message as `ProtobufTraceSerializer` of `@opentelemetry/otlp-transformer` 0.223 (zero
 * counts and codes, which proto3 treats as absent, are left out), in one pass instead of a
 * size-estimation pass plus a write pass.
 */
export class OtlpProtoEncoder {
  /** Starts the next buffer at about the last request's size so a batch rarely grows twice. */
  private sizeHint = MIN_BUFFER;
  private readonly keys = new Map<string, Uint8Array>();

  encode(spans: readonly ReadableSpan[]): Buffer {
    const w = new ProtoBufferWriter(this.sizeHint, this.keys);
    for (const [resource, scopes] of groupSpans(spans)) {
      w.byte(REQUEST_RESOURCE_SPANS);
      const start = w.begin(3);
      writeResourceSpans(w, resource, scopes);
      w.end(start, 3);
    }
    this.sizeHint = Math.min(MAX_SIZE_HINT, Math.max(MIN_BUFFER, w.pos + (w.pos >>> 3)));
    return w.finish();
  }
}

function groupSpans(spans: readonly ReadableSpan[]): Map<Resource, ScopeGroups> {
  const resources = new Map<Resource, ScopeGroups>();
  for (const span of spans) {
    let scopes = resources.get(span.resource);
    if (!scopes)
      resources.set(span.resource, (scopes = new Map<InstrumentationScope, ReadableSpan[]>()));
    const group = scopes.get(span.instrumentationScope);
    if (group) group.push(span);
    else scopes.set(span.instrumentationScope, [span]);
  }
  return resources;
}

function writeResourceSpans(w: ProtoBufferWriter, resource: Resource, scopes: ScopeGroups): void {
  w.byte(RESOURCE_SPANS_RESOURCE);
  const start = w.begin(2);
  writeAttributes(w, resource.attributes, RESOURCE_ATTRIBUTES);
  w.end(start, 2);
  for (const [scope, spans] of scopes) {
    w.byte(RESOURCE_SPANS_SCOPE_SPANS);
    const scopeStart = w.begin(3);
    writeScopeSpans(w, scope, spans);
    w.end(scopeStart, 3);
  }
  if (resource.schemaUrl) {
    w.byte(RESOURCE_SPANS_SCHEMA_URL);
    w.string(resource.schemaUrl);
  }
}

function writeScopeSpans(w: ProtoBufferWriter, scope: Scope, spans: ReadableSpan[]): void {
  w.byte(SCOPE_SPANS_SCOPE);
  const start = w.begin(1);
  w.byte(SCOPE_NAME);
  w.string(scope.name);
  if (scope.version) {
    w.byte(SCOPE_VERSION);
    w.string(scope.version);
  }
  if (scope.attributes) writeAttributes(w, scope.attributes, SCOPE_ATTRIBUTES);
  if (scope.droppedAttributesCount) {
    w.byte(SCOPE_DROPPED_ATTRIBUTES);
    w.varint32(scope.droppedAttributesCount);
  }
  w.end(start, 1);
  for (const span of spans) {
    w.byte(SCOPE_SPANS_SPANS);
    const spanStart = w.begin(2);
    writeSpan(w, span);
    w.end(spanStart, 2);
  }
  if (scope.schemaUrl) {
    w.byte(SCOPE_SPANS_SCHEMA_URL);
    w.string(scope.schemaUrl);
  }
}

function writeSpan(w: ProtoBufferWriter, span: ReadableSpan): void {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  w.byte(SPAN_TRACE_ID);
  w.hexBytes(context.traceId);
  w.byte(SPAN_SPAN_ID);
  w.hexBytes(context.spanId);
  writeTraceState(w, SPAN_TRACE_STATE, context.traceState?.serialize());
  if (parent?.spanId) {
    w.byte(SPAN_PARENT_SPAN_ID);
    w.hexBytes(parent.spanId);
  }
  w.byte(SPAN_NAME);
  w.string(span.name);
  // The API's SpanKind starts at INTERNAL = 0; the proto keeps 0 for UNSPECIFIED.
  w.byte(SPAN_KIND);
  w.varint32(span.kind + 1);
  w.byte(SPAN_START);
  w.fixed64HrTime(span.startTime);
  w.byte(SPAN_END);
  w.fixed64HrTime(span.endTime);
  writeAttributes(w, span.attributes, SPAN_ATTRIBUTES);
  writeCount(w, SPAN_DROPPED_ATTRIBUTES, span.droppedAttributesCount);
  for (const event of span.events) writeEvent(w, event);
  writeCount(w, SPAN_DROPPED_EVENTS, span.droppedEventsCount);
  for (const link of span.links) writeLink(w, link);
  writeCount(w, SPAN_DROPPED_LINKS, span.droppedLinksCount);
  writeStatus(w, span.status);
  w.byte(SPAN_FLAGS);
  w.byte(0x01);
  w.fixed32(spanFlags(context.traceFlags, parent?.isRemote));
}

function spanFlags(traceFlags: number, remote: boolean | undefined): number {
  return (traceFlags & 0xff) | FLAGS_HAS_IS_REMOTE | (remote ? FLAGS_IS_REMOTE : 0);
}

function writeTraceState(w: ProtoBufferWriter, tag: number, traceState: string | undefined): void {
  if (!traceState) return;
  w.byte(tag);
  w.string(traceState);
}

function writeCount(w: ProtoBufferWriter, tag: number, count: number | undefined): void {
  if (!count) return;
  w.byte(tag);
  w.varint32(count);
}

function writeStatus(w: ProtoBufferWriter, status: SpanStatus): void {
  w.byte(SPAN_STATUS);
  const start = w.begin(1);
  if (status.message) {
    w.byte(STATUS_MESSAGE);
    w.string(status.message);
  }
  if (status.code) {
    w.byte(STATUS_CODE);
    w.varint32(status.code);
  }
  w.end(start, 1);
}

function writeEvent(w: ProtoBufferWriter, event: TimedEvent): void {
  w.byte(SPAN_EVENTS);
  const start = w.begin(1);
  w.byte(EVENT_TIME);
  w.fixed64HrTime(event.time);
  w.byte(EVENT_NAME);
  w.string(event.name);
  if (event.attributes) writeAttributes(w, event.attributes, EVENT_ATTRIBUTES);
  writeCount(w, EVENT_DROPPED_ATTRIBUTES, event.droppedAttributesCount);
  w.end(start, 1);
}

function writeLink(w: ProtoBufferWriter, link: Link): void {
  const context = link.context;
  w.byte(SPAN_LINKS);
  const start = w.begin(1);
  w.byte(LINK_TRACE_ID);
  w.hexBytes(context.traceId);
  w.byte(LINK_SPAN_ID);
  w.hexBytes(context.spanId);
  writeTraceState(w, LINK_TRACE_STATE, context.traceState?.serialize());
  if (link.attributes) writeAttributes(w, link.attributes, LINK_ATTRIBUTES);
  writeCount(w, LINK_DROPPED_ATTRIBUTES, link.droppedAttributesCount);
  w.byte(LINK_FLAGS);
  w.fixed32(spanFlags(context.traceFlags, context.isRemote));
  w.end(start, 1);
}
