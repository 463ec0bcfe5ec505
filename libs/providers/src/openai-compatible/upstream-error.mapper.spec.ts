import { Readable } from 'node:stream';
import { ProviderErrorCode } from '../contract/provider.exception';
import { mapUpstreamError, readCappedText } from './upstream-error.mapper';

describe(mapUpstreamError.name, () => {
  it('keeps an OpenAI-shaped error', () => {
    const body = JSON.stringify({
      error: {
        message: 'Bad param',
        type: 'invalid_request_error',
        code: 'invalid_value',
        param: 'n',
      },
    });
    expect(mapUpstreamError(400, body, {})).toMatchObject({
      status: 400,
      code: 'invalid_value',
      type: 'invalid_request_error',
      param: 'n',
      message: 'Bad param',
      headers: {},
    });
  });

  it('falls back to upstream_error when code is not a string, and to the status type', () => {
    const body = JSON.stringify({ error: { message: 'Busy', type: 'overloaded', code: 503 } });
    expect(mapUpstreamError(503, body, {})).toMatchObject({
      status: 503,
      code: ProviderErrorCode.UpstreamHttpError,
      type: 'api_error',
      param: null,
      message: 'Busy',
    });
  });

  it('summarises a non-JSON body in a short, scrubbed snippet', () => {
    const err = mapUpstreamError(502, `Bearer abcdefghijk\n\n${'x'.repeat(1000)}`, {});
    expect(err.message.startsWith('Upstream returned HTTP 502: Bearer [REDACTED] xxx')).toBe(true);
    expect(err.message.length).toBeLessThan(260);
    expect(mapUpstreamError(500, '', {}).message).toBe('Upstream returned HTTP 500');
  });

  it('forwards retry-after, first value when repeated', () => {
    expect(mapUpstreamError(429, '{}', { 'retry-after': ['3', '4'] }).headers).toEqual({
      'retry-after': '3',
    });
  });
});

describe(readCappedText.name, () => {
  it('reads at most the cap and stops', async () => {
    const body = Readable.from([Buffer.from('abc'), Buffer.from('defgh'), Buffer.from('ijk')]);
    expect(await readCappedText(body, 5)).toBe('abcde');
    expect(body.destroyed).toBe(true);
  });
});
