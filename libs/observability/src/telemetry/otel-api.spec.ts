import * as api from '@opentelemetry/api';
import * as core from '@opentelemetry/core';
import * as sdk from '@opentelemetry/sdk-trace-base';
import * as bindings from './otel-api';

describe('otel-api bindings', () => {
  it('are the packages’ own singletons, functions and enums, read once', () => {
    expect(bindings.traceApi).toBe(api.trace);
    expect(bindings.contextApi).toBe(api.context);
    expect(bindings.propagationApi).toBe(api.propagation);
    expect(bindings.diagApi).toBe(api.diag);
    expect(bindings.ROOT_CONTEXT).toBe(api.ROOT_CONTEXT);
    expect(bindings.INVALID_SPAN_CONTEXT).toBe(api.INVALID_SPAN_CONTEXT);
    expect(bindings.isSpanContextValid).toBe(api.isSpanContextValid);
    expect(bindings.createContextKey).toBe(api.createContextKey);
    expect(bindings.isTracingSuppressed).toBe(core.isTracingSuppressed);
    expect(bindings.isAttributeValue).toBe(core.isAttributeValue);
    expect(bindings.SPAN_KIND).toBe(api.SpanKind);
    expect(bindings.TRACE_FLAGS).toBe(api.TraceFlags);
    expect(bindings.STATUS_CODE).toBe(api.SpanStatusCode);
    expect(bindings.SAMPLING_DECISION).toBe(sdk.SamplingDecision);
  });

  it('are plain data properties (no getter call per read)', () => {
    for (const key of Object.keys(bindings)) {
      const descriptor = Object.getOwnPropertyDescriptor(bindings, key);
      expect({ key, getter: typeof descriptor?.get }).toEqual({ key, getter: 'undefined' });
    }
  });
});
