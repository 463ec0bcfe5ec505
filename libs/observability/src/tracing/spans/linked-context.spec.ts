import { createContextKey, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { contextWithSpan, LinkedContext } from './linked-context';

const A = createContextKey('routeiq.test.a');
const B = createContextKey('routeiq.test.b');
const span = trace.wrapSpanContext({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
});

describe(LinkedContext.name, () => {
  it('is where the API finds the span it was given', () => {
    const context = contextWithSpan(undefined, span);

    expect(trace.getSpan(context)).toBe(span);
    expect(trace.getSpanContext(context)).toBe(span.spanContext());
    expect(trace.getSpan(ROOT_CONTEXT)).toBeUndefined();
  });

  it('reads values of its parents, the nearest link winning', () => {
    const parent = ROOT_CONTEXT.setValue(A, 'root a');
    const context = new LinkedContext(parent, B, 'b').setValue(A, 'nearer a');

    expect(context.getValue(A)).toBe('nearer a');
    expect(context.getValue(B)).toBe('b');
    expect(parent.getValue(A)).toBe('root a');
    expect(parent.getValue(B)).toBeUndefined();
  });

  it('hides a deleted key without changing the context it came from', () => {
    const context = new LinkedContext(ROOT_CONTEXT, A, 'a');
    const deleted = context.deleteValue(A);

    expect(deleted.getValue(A)).toBeUndefined();
    expect(context.getValue(A)).toBe('a');
    expect(trace.getSpan(trace.deleteSpan(contextWithSpan(undefined, span)))).toBeUndefined();
  });

  it('works under the API helpers that set values', () => {
    const context = trace.setSpan(
      contextWithSpan(undefined, span),
      trace.wrapSpanContext(span.spanContext()),
    );

    expect(trace.getSpanContext(context)).toEqual(span.spanContext());
    expect(context).toBeInstanceOf(LinkedContext);
  });
});
