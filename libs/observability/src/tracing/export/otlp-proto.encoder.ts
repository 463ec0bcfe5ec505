import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { writeAttributes } from './otlp-attributes.encoder';
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
import { ProtoBufferWriter } from './proto-buffer.writer';

const MIN_BUFFER = 64 * 1024;
const MAX_SIZE_HINT = 64 * 1024 * 1024;

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
  writeResource(w, resource);
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
  writeScope(w, scope);
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
  writeSpanFlags(w, context.traceFlags, parent?.isRemote);
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
