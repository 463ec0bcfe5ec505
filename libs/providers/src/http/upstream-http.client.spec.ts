import { withTraceHeaders } from './upstream-http.client';

describe(withTraceHeaders.name, () => {
  it("lists the call's headers, then the trace's, as undici's flat name/value list", () => {
    expect(
      withTraceHeaders(
        { 'content-type': 'application/json', authorization: 'Bearer sk-up' },
        { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      ),
    ).toEqual([
      'content-type',
      'application/json',
      'authorization',
      'Bearer sk-up',
      'traceparent',
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    ]);
  });

  it("sends a header the trace also sets once, with the trace's value", () => {
    const flat = withTraceHeaders(
      { traceparent: 'from-extra-headers', accept: 'text/event-stream' },
      { traceparent: 'from-trace', tracestate: 'k=v' },
    );
    expect(flat).toEqual([
      'accept',
      'text/event-stream',
      'traceparent',
      'from-trace',
      'tracestate',
      'k=v',
    ]);
  });
});
