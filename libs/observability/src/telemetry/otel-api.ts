import * as api from '@opentelemetry/api';
import * as core from '@opentelemetry/core';
import * as sdk from '@opentelemetry/sdk-trace-base';

// What the request path uses of the OpenTelemetry packages, read from them once, here. Their
// CommonJS module objects are dictionary-mode objects of getters (TypeScript's re-exports): a
// use such as `trace.getSpan(...)` or `SpanKind.SERVER` compiles to a read of the module object
// at every call, which the optimiser leaves as a generic property lookup plus a getter call.
// Read from these constants instead, the traced request ran ~14 µs less CPU on the bench machine
// (docs/performance.md "Tracing overhead", session 18). Types still come from the packages.

export const traceApi: api.TraceAPI = api.trace;
export const contextApi: api.ContextAPI = api.context;
export const propagationApi: api.PropagationAPI = api.propagation;
export const diagApi: api.DiagAPI = api.diag;
export const ROOT_CONTEXT: api.Context = api.ROOT_CONTEXT;
export const INVALID_SPAN_CONTEXT: api.SpanContext = api.INVALID_SPAN_CONTEXT;
export const isSpanContextValid: typeof api.isSpanContextValid = api.isSpanContextValid;
export const createContextKey: typeof api.createContextKey = api.createContextKey;
export const isTracingSuppressed: typeof core.isTracingSuppressed = core.isTracingSuppressed;
export const isAttributeValue: typeof core.isAttributeValue = core.isAttributeValue;

/** The API's enums, as the objects they are (their members read as plain properties). */
export const SPAN_KIND: typeof api.SpanKind = api.SpanKind;
export const TRACE_FLAGS: typeof api.TraceFlags = api.TraceFlags;
export const STATUS_CODE: typeof api.SpanStatusCode = api.SpanStatusCode;
export const SAMPLING_DECISION: typeof sdk.SamplingDecision = sdk.SamplingDecision;
