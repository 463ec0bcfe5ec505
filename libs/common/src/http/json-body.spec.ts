import { PassThrough } from 'node:stream';
import { CommonErrorCode } from '../errors/common.exception';
import type { GatewayRequest } from './gateway-request';
import { readJsonBody } from './json-body';

function request(headers: Record<string, string>, chunks: string[]): GatewayRequest {
  const stream = new PassThrough();
  Object.assign(stream, { headers });
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  return stream as unknown as GatewayRequest;
}

const json = { 'content-type': 'application/json' };

describe(readJsonBody.name, () => {
  it('parses a body that arrives in several chunks', async () => {
    await expect(
      readJsonBody(request(json, ['{"model":', '"m","n":', '2}']), 1024),
    ).resolves.toEqual({
      model: 'm',
      n: 2,
    });
  });

  it('accepts JSON media types with parameters and +json suffixes', async () => {
    const types = ['application/json; charset=utf-8', 'application/vnd.api+json'];
    for (const type of types) {
      await expect(readJsonBody(request({ 'content-type': type }, ['{}']), 10)).resolves.toEqual(
        {},
      );
    }
  });

  it.each([
    ['no content type', {}],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['text', { 'content-type': 'text/plain' }],
  ])('rejects %s with 415', async (_name, headers) => {
    await expect(readJsonBody(request(headers, ['{}']), 10)).rejects.toMatchObject({
      status: 415,
      code: CommonErrorCode.UnsupportedMediaType,
    });
  });

  it('rejects a declared length over the limit before reading, and closes the connection', async () => {
    await expect(
      readJsonBody(request({ ...json, 'content-length': '2048' }, ['{}']), 1024),
    ).rejects.toMatchObject({
      status: 413,
      code: CommonErrorCode.RequestTooLarge,
      headers: { connection: 'close' },
    });
  });

  it('rejects a streamed body that grows over the limit', async () => {
    await expect(
      readJsonBody(request(json, ['{"a":"', 'x'.repeat(600), 'x'.repeat(600), '"}']), 1024),
    ).rejects.toMatchObject({
      status: 413,
    });
  });

  it.each([
    ['malformed JSON', ['{"a":']],
    ['an empty body', []],
  ])('rejects %s with 400 invalid_json without quoting the input', async (_name, chunks) => {
    const error = await readJsonBody(request(json, chunks), 1024).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: CommonErrorCode.InvalidJson });
    expect((error as Error).message).not.toContain('{"a":');
  });
});
