import type { Attributes, Link, SpanStatus } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import { writeAttributes } from './otlp-attributes.encoder';
import type { ProtoBufferWriter } from './proto-buffer.writer';

// Tags (field number << 3 | wire type) of opentelemetry-proto v1; 2 = length-delimited.
export const REQUEST_RESOURCE_SPANS = 0x0a;
export const RESOURCE_SPANS_RESOURCE = 0x0a;
export const RESOURCE_SPANS_SCOPE_SPANS = 0x12;
export const RESOURCE_SPANS_SCHEMA_URL = 0x1a;
const RESOURCE_ATTRIBUTES = 0x0a;
export const SCOPE_SPANS_SCOPE = 0x0a;
export const SCOPE_SPANS_SPANS = 0x12;
export const SCOPE_SPANS_SCHEMA_URL = 0x1a;
const SCOPE_NAME = 0x0a;
const SCOPE_VERSION = 0x12;
const SCOPE_ATTRIBUTES = 0x1a;
const SCOPE_DROPPED_ATTRIBUTES = 0x20;
export const SPAN_TRACE_ID = 0x0a;
export const SPAN_SPAN_ID = 0x12;
export const SPAN_TRACE_STATE = 0x1a;
export const SPAN_PARENT_SPAN_ID = 0x22;
export const SPAN_NAME = 0x2a;
export const SPAN_KIND = 0x30;
export const SPAN_START = 0x39;
export const SPAN_END = 0x41;
export const SPAN_ATTRIBUTES = 0x4a;
export const SPAN_DROPPED_ATTRIBUTES = 0x50;
export const SPAN_EVENTS = 0x5a;
export const SPAN_DROPPED_EVENTS = 0x60;
export const SPAN_DROPPED_LINKS = 0x70;
const SPAN_LINKS = 0x6a;
const SPAN_STATUS = 0x7a;
const SPAN_FLAGS = 0x85; // field 16, fixed32: a two-byte tag 0x85 0x01
export const EVENT_TIME = 0x09;
export const EVENT_NAME = 0x12;
export const EVENT_ATTRIBUTES = 0x1a;
export const EVENT_DROPPED_ATTRIBUTES = 0x20;
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

/** The SDK's scope type omits attributes; newer tracers may still set them. */
export type Scope = InstrumentationScope & {
  attributes?: Attributes;
  droppedAttributesCount?: number;
};

/** `ResourceSpans.resource` (tag included). */
export function writeResource(w: ProtoBufferWriter, resource: Resource): void {
  w.byte(RESOURCE_SPANS_RESOURCE);
  const start = w.begin(2);
  writeAttributes(w, resource.attributes, RESOURCE_ATTRIBUTES);
  w.end(start, 2);
}

/** `ScopeSpans.scope` (tag included). */
export function writeScope(w: ProtoBufferWriter, scope: Scope): void {
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
}

/** `Span.flags` (tag included). */
export function writeSpanFlags(
  w: ProtoBufferWriter,
  traceFlags: number,
  remote: boolean | undefined,
): void {
  w.byte(SPAN_FLAGS);
  w.byte(0x01);
  w.fixed32(spanFlags(traceFlags, remote));
}

function spanFlags(traceFlags: number, remote: boolean | undefined): number {
  return (traceFlags & 0xff) | FLAGS_HAS_IS_REMOTE | (remote ? FLAGS_IS_REMOTE : 0);
}

export function writeTraceState(
  w: ProtoBufferWriter,
  tag: number,
  traceState: string | undefined,
): void {
  if (!traceState) return;
  w.byte(tag);
  w.string(traceState);
}

export function writeCount(w: ProtoBufferWriter, tag: number, count: number | undefined): void {
  if (!count) return;
  w.byte(tag);
  w.varint32(count);
}

export function writeStatus(w: ProtoBufferWriter, status: SpanStatus): void {
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

export function writeLink(w: ProtoBufferWriter, link: Link): void {
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
