import { traceHeaders } from './outbound-fetch.factory';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function request(meta: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { _meta: meta } });
}

describe('traceHeaders', () => {
  it('copies traceparent and tracestate of the request _meta', () => {
    expect(traceHeaders(request({ traceparent: TRACEPARENT, tracestate: 'a=1' }))).toEqual({
      traceparent: TRACEPARENT,
      tracestate: 'a=1',
    });
  });

  it.each([
    ['no body', undefined],
    ['no _meta', JSON.stringify({ jsonrpc: '2.0', method: 'ping', id: 1 })],
    ['a malformed traceparent', request({ traceparent: `${TRACEPARENT}\r\nx-evil: 1` })],
    ['a batch', JSON.stringify([JSON.parse(request({ traceparent: TRACEPARENT }))])],
    ['a body that is not JSON', '{"traceparent": '],
  ])('copies nothing from %s', (_name, body) => {
    expect(traceHeaders(body)).toEqual({});
  });

  it('drops a tracestate that could not be a header value', () => {
    expect(traceHeaders(request({ traceparent: TRACEPARENT, tracestate: 'a=1\nb' }))).toEqual({
      traceparent: TRACEPARENT,
    });
  });
});
