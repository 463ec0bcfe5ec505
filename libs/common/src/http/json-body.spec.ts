import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { CommonErrorCode } from '../errors/common.exception';
import type { GatewayRequest } from './gateway-request';
import { MAX_JSON_DEPTH, readJsonBody } from './json-body';

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

describe('readJsonBody on hostile bodies', () => {
  const read = (body: Buffer | string): Promise<unknown> => {
    const stream = new PassThrough();
    Object.assign(stream, { headers: json });
    stream.end(body);
    return readJsonBody(stream as unknown as GatewayRequest, 1 << 20);
  };
  const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it(`accepts nesting up to ${MAX_JSON_DEPTH} levels and refuses one more with 400`, async () => {
    await expect(read(nested(MAX_JSON_DEPTH))).resolves.toBeInstanceOf(Array);
    await expect(read(`{"a":${nested(MAX_JSON_DEPTH - 1)}}`)).resolves.toBeInstanceOf(Object);
    await expect(read(nested(MAX_JSON_DEPTH + 1))).rejects.toMatchObject({
      status: 400,
      code: CommonErrorCode.InvalidRequest,
    });
    await expect(read(`{"a":${nested(MAX_JSON_DEPTH)}}`)).rejects.toMatchObject({ status: 400 });
  });

  it('refuses 100 000 levels without overflowing the stack', async () => {
    await expect(read(nested(100_000))).rejects.toMatchObject({ status: 400 });
  });

  it.each([
    ['at the top', '{"__proto__":{"polluted":true}}'],
    ['deep inside', '{"messages":[{"role":"user","x":{"__proto__":{"polluted":true}}}]}'],
    ['as constructor.prototype', '{"a":{"constructor":{"prototype":{"polluted":true}}}}'],
  ])('refuses a prototype-pollution key %s with 400', async (_name, body) => {
    await expect(read(body)).rejects.toMatchObject({
      status: 400,
      code: CommonErrorCode.InvalidRequest,
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps a plain "constructor" key (a JSON schema may name a property so)', async () => {
    const body = '{"properties":{"constructor":{"type":"string"},"prototype":{"type":"string"}}}';
    await expect(read(body)).resolves.toEqual(JSON.parse(body));
  });

  it.each([
    [
      'a lone continuation byte',
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0x80, 0x22, 0x7d]),
    ],
    ['an overlong slash', Buffer.from('{"a":"\xc0\xaf"}', 'latin1')],
    ['an encoded surrogate', Buffer.from('{"a":"\xed\xa0\x80"}', 'latin1')],
    ['a truncated sequence', Buffer.from('{"a":"\xe2\x82"}', 'latin1')],
  ])('refuses invalid UTF-8 (%s) with 400 invalid_json', async (_name, body) => {
    await expect(read(body)).rejects.toMatchObject({
      status: 400,
      code: CommonErrorCode.InvalidJson,
      message: expect.stringContaining('UTF-8') as unknown,
    });
  });

  it('refuses a byte order mark as invalid JSON and accepts escaped lone surrogates', async () => {
    await expect(read(Buffer.from('\ufeff{}', 'utf8'))).rejects.toMatchObject({
      code: CommonErrorCode.InvalidJson,
    });
    await expect(read('{"a":"\\ud800 \\u202e 😀"}')).resolves.toEqual({ a: '\ud800 \u202e 😀' });
  });
});

describe('readJsonBody on a body whose declared length has fully arrived', () => {
  let server: Server;
  let base: string;
  let read: (req: GatewayRequest) => Promise<unknown>;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const gatewayReq = req as GatewayRequest;
      // As behind the guards: the request is read once its body is in.
      const whenIn = (): void => {
        if (!gatewayReq.complete) return void setImmediate(whenIn);
        const on = jest.spyOn(gatewayReq, 'on');
        read(gatewayReq).then(
          (body) => {
            const streamed = on.mock.calls.length > 0;
            // The request still ends as a stream does: nothing is left hanging on the socket.
            const reply = (): void => void res.end(JSON.stringify({ ok: body, streamed }));
            if (gatewayReq.readableEnded) reply();
            else gatewayReq.once('end', reply);
          },
          (error: { status: number; code: string; headers?: Record<string, string> }) =>
            res.writeHead(error.status, error.headers).end(JSON.stringify({ code: error.code })),
        );
      };
      whenIn();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const post = async (body: string) => {
    read = (req) => readJsonBody(req, 1024);
    const res = await fetch(base, { method: 'POST', headers: json, body });
    return { status: res.status, body: await res.json() };
  };

  it('takes it from the buffer at once, with no stream listeners', async () => {
    await expect(post('{"model":"m","n":2}')).resolves.toMatchObject({
      status: 200,
      body: { ok: { model: 'm', n: 2 }, streamed: false },
    });
  });

  it('reads a chunked body (no declared length) as a stream, refusing it over the limit', async () => {
    read = (req) => readJsonBody(req, 16);
    // No content-length: the body goes out chunked, so only its size read tells.
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(base, { method: 'POST', headers: json }, resolve).on('error', reject);
      req.end(`{"a":"${'x'.repeat(64)}"}`);
    });
    let text = '';
    for await (const chunk of res) text += String(chunk);
    expect(res.statusCode).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(text)).toEqual({ code: CommonErrorCode.RequestTooLarge });
  });

  it.each([
    ['malformed JSON', '{"a":'],
    ['an empty body', ''],
  ])('still rejects %s with 400 invalid_json', async (_name, body) => {
    await expect(post(body)).resolves.toMatchObject({
      status: 400,
      body: { code: CommonErrorCode.InvalidJson },
    });
  });
});
