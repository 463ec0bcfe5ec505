import { connect } from 'node:net';
import { call, userHeaders, type ErrorEnvelope } from './support/http';
import { OpenAiStubServer } from './support/openai-stub.server';
import {
  startTestGateway,
  stubConfig,
  TEST_MASTER_KEY,
  type TestGateway,
} from './support/gateway-harness';

// Hostile input must always end in a 4xx in the OpenAI error shape: never a 500, never a stack
// trace or an internal path, and the process stays up. Most cases go over a raw socket so they can
// carry bytes no HTTP client would send.

interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly raw: string;
}

const AUTH = `Authorization: Bearer ${TEST_MASTER_KEY}`;
const CHAT_BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'hi' }],
});
const LEAK = /\/work\/|node_modules|\.ts\b|\bat [\w$.<>]+ \(|\n\s+at /;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Sends bytes as-is and reads one response (until its Content-Length, or until the close). */
function rawExchange(port: number, payload: Buffer, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseRaw(Buffer.concat(chunks).toString('utf8')));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (isComplete(Buffer.concat(chunks).toString('utf8'))) finish();
    });
    socket.on('end', finish);
    socket.on('error', finish);
    socket.write(payload);
  });
}

function isComplete(raw: string): boolean {
  const head = raw.indexOf('\r\n\r\n');
  if (head < 0) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(raw.slice(0, head));
  return length !== null && Buffer.byteLength(raw.slice(head + 4)) >= Number(length[1]);
}

function parseRaw(raw: string): RawResponse {
  const head = raw.indexOf('\r\n\r\n');
  const lines = (head < 0 ? raw : raw.slice(0, head)).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
  return { status, headers, body: head < 0 ? '' : raw.slice(head + 4), raw };
}

/** A request from latin1 text, so `\xNN` escapes become exactly those bytes. */
function bytes(head: string, body: Buffer | string = ''): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  return Buffer.concat([Buffer.from(head.replace(/\n/g, '\r\n'), 'latin1'), payload]);
}

const rawGet = (headers: string, target = '/v1/models'): Buffer =>
  bytes(`GET ${target} HTTP/1.1\nHost: x\n${headers}\nConnection: close\n\n`);
const rawPost = (headers: string, body: Buffer | string = ''): Buffer =>
  bytes(`POST /v1/chat/completions HTTP/1.1\nHost: x\n${headers}\nConnection: close\n\n`, body);
const JSON_TYPE = 'Content-Type: application/json';
const rawChat = (body: Buffer): Buffer =>
  rawPost(`${AUTH}\n${JSON_TYPE}\nContent-Length: ${body.length}`, body);

/** The common assertions: a 4xx, the error envelope, the request id, no internals. */
function expectShapedRejection(res: RawResponse, status?: number): ErrorEnvelope {
  expect(res.raw).not.toMatch(LEAK);
  if (status !== undefined) expect(res.status).toBe(status);
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(res.body) as ErrorEnvelope;
  expect(body.error).toEqual({
    message: expect.any(String),
    type: expect.any(String),
    code: expect.any(String),
    param: body.error.param === null ? null : expect.any(String),
  });
  expect(body.request_id).toEqual(expect.any(String));
  expect(res.headers['x-request-id']).toBe(body.request_id);
  return body;
}

function nested(depth: number, open = '[', close = ']', inner = '1'): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

describe('Abuse resistance: hostile input gets a shaped 4xx, never a 500', () => {
  const stub = new OpenAiStubServer();
  let gw: TestGateway;
  let port: number;
  const send = (payload: Buffer): Promise<RawResponse> => rawExchange(port, payload);
  const post = async (path: string, body: string): Promise<RawResponse> => {
    const res = await fetch(`${gw.url}${path}`, { method: 'POST', headers: userHeaders(), body });
    const text = await res.text();
    return { status: res.status, headers: Object.fromEntries(res.headers), body: text, raw: text };
  };
  const chat = (body: string): Promise<RawResponse> => post('/v1/chat/completions', body);
  const withModel = (model: unknown, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra });

  beforeAll(async () => {
    const apiBase = await stub.start();
    const yaml = `${stubConfig(apiBase)}\ngeneral_settings:\n  max_request_size_mb: 1\n`;
    gw = await startTestGateway({ yaml });
    port = Number(new URL(gw.url).port);
  });
  afterAll(async () => {
    await gw?.close();
    await stub.stop();
  });

  describe('requests the HTTP parser refuses', () => {
    it.each([
      ['a NUL in a header value', rawGet('X-A: a\x00b')],
      ['a bare CR in a header value', rawGet('X-A: a\rb')],
      ['a control character in a header value', rawGet('X-A: a\x01b')],
      ['a NUL in the Authorization header', rawGet(`${AUTH}\x00`)],
      [
        'a bare CR in X-Request-ID (header splitting)',
        rawGet('X-Request-ID: a\rSet-Cookie: evil=1'),
      ],
      ['a space in a header name', rawGet('X A: b')],
      ['a separator in a header name', rawGet('X(A): b')],
      ['a non-ASCII byte in a header name', rawGet('X-\xff: b')],
      ['a header line without a colon', rawGet('NoColonHere')],
      ['obsolete line folding', rawGet('X-A: a\n continued')],
      ['a garbage request line', bytes('HELLO\n\n')],
      ['a bad HTTP version', bytes('GET / HTTP/9.9\nHost: x\n\n')],
      ['a control character in the path', bytes('GET /v1/\x01 HTTP/1.1\nHost: x\n\n')],
      [
        'Content-Length and chunked',
        rawPost('Content-Length: 4\nTransfer-Encoding: chunked', '0\r\n\r\n'),
      ],
      ['conflicting Content-Lengths', rawPost('Content-Length: 2\nContent-Length: 3', '{}')],
      ['a non-numeric Content-Length', rawPost('Content-Length: abc')],
      ['a negative Content-Length', rawPost('Content-Length: -1')],
      [
        'an invalid chunk size',
        rawPost(`${AUTH}\n${JSON_TYPE}\nTransfer-Encoding: chunked`, 'zz\r\n{}\r\n0\r\n\r\n'),
      ],
    ])('answers %s with a JSON 400', async (_name, payload) => {
      const body = expectShapedRejection(await send(payload), 400);
      expect(body.error.type).toBe('invalid_request_error');
      expect(body.request_id).toMatch(UUID);
    });

    it.each([
      ['one header over 16 KB', `X-Big: ${'a'.repeat(20_000)}`],
      [
        'many headers over 16 KB in total',
        Array.from({ length: 400 }, (_, i) => `X-H${i}: ${'b'.repeat(50)}`).join('\n'),
      ],
    ])('answers %s with a JSON 431', async (_name, headers) => {
      const body = expectShapedRejection(await send(rawGet(headers)), 431);
      expect(body.error.code).toBe('request_headers_too_large');
    });

    it('answers an unsupported Expect header with a JSON 417', async () => {
      expectShapedRejection(await send(rawGet(`${AUTH}\nExpect: something-else`)), 417);
    });

    it('answers CONNECT with a JSON 405 instead of dropping the connection', async () => {
      expectShapedRejection(
        await send(bytes('CONNECT evil.example:443 HTTP/1.1\nHost: evil.example:443\n\n')),
        405,
      );
    });
  });

  describe('headers the application refuses', () => {
    it.each([
      ['valid then invalid', `${AUTH}\nAuthorization: Bearer sk-wrong`],
      ['invalid then valid', `Authorization: Bearer sk-wrong\n${AUTH}`],
      ['the same key twice', `${AUTH}\n${AUTH}`],
    ])('refuses duplicate Authorization headers (%s) with 401', async (_name, auth) => {
      const res = await send(rawGet(auth));
      expect(expectShapedRejection(res, 401).error.type).toBe('authentication_error');
    });

    it.each([
      ['a 10 KB bearer token', `Authorization: Bearer ${'k'.repeat(10_000)}`],
      ['a non-ASCII bearer token', 'Authorization: Bearer sk-\xe2\x80\xae-\xff'],
      ['a template-string token', 'Authorization: Bearer ${jndi:ldap://evil/a}'],
    ])('refuses %s with 401', async (_name, auth) => {
      const res = await send(rawGet(auth));
      expectShapedRejection(res, 401);
    });

    it.each([
      ['path traversal', '../../etc/passwd'],
      ['a template string', '${process.env.LITELLM_MASTER_KEY}'],
      ['SQL', "1' OR '1'='1"],
      ['a template in brackets', '{{7*7}}<%= 7*7 %>'],
      ['a 200-character id', 'a'.repeat(200)],
      ['an RTL override', 'abc\xe2\x80\xaedef'],
    ])('replaces an X-Request-ID with %s by a fresh id', async (_name, id) => {
      const res = await send(rawGet(`X-Request-ID: ${id}`));
      expect(expectShapedRejection(res, 401).request_id).toMatch(UUID);
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it.each([
      ['an encoded traversal', '/v1/..%2f..%2fetc%2fpasswd'],
      ['a broken percent-encoding', '/v1/models/%E0%A4%A'],
      ['an encoded NUL', '/v1/models/gpt%00'],
      ['an asterisk target', '*'],
    ])('answers %s in the request target with a 4xx', async (_name, target) => {
      const res = await send(rawGet(AUTH, target));
      expectShapedRejection(res);
    });

    it('keeps a header-splitting attempt in X-Request-ID out of the response', async () => {
      const split = 'X-Request-ID: a\nSet-Cookie: evil=1\nLocation: http://evil.example';
      const res = await send(rawGet(split));
      expectShapedRejection(res, 401);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.headers.location).toBeUndefined();
    });

    it('serves an absolute-form target as a local path, never as a proxy hop', async () => {
      const before = stub.requests.length;
      const target = 'http://evil.example/v1/models';
      const res = await send(rawGet(AUTH, target));
      expect(res.status).toBe(200);
      expect(stub.requests).toHaveLength(before);
    });
  });

  describe('bodies the application refuses', () => {
    it.each([
      ['invalid UTF-8 in the content', Buffer.from(CHAT_BODY.replace('hi', '\xff\xfe'), 'latin1')],
      [
        'an overlong UTF-8 slash in the model',
        Buffer.from(CHAT_BODY.replace('gpt', '..\xc0\xaf..'), 'latin1'),
      ],
      ['a UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CHAT_BODY)])],
      ['UTF-16', Buffer.from(`\ufeff${CHAT_BODY}`, 'utf16le')],
      ['a gzip header on a plain body', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00])],
    ])('answers %s with 400 invalid_json', async (_name, body) => {
      expect(expectShapedRejection(await send(rawChat(body)), 400).error.code).toBe('invalid_json');
    });

    it.each([
      ['arrays 100 000 deep in the content', CHAT_BODY.replace('"hi"', nested(100_000))],
      ['objects 65 deep in a message', CHAT_BODY.replace('"hi"', nested(65, '{"a":', '}'))],
      ['arrays 10 000 deep as the model', CHAT_BODY.replace('"gpt-4o-mini"', nested(10_000))],
      ['a __proto__ key at the top', CHAT_BODY.replace('{', '{"__proto__":{"polluted":1},')],
      ['a __proto__ key in a message', CHAT_BODY.replace('"role"', '"__proto__":{"x":1},"role"')],
      [
        'a constructor.prototype payload',
        withModel('gpt-4o-mini', { constructor: { prototype: { polluted: 1 } } }),
      ],
    ])('answers %s with 400', async (_name, body) => {
      expectShapedRejection(await chat(body), 400);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it.each([
      ['a NUL', 'gpt\u0000'],
      ['an ANSI escape', '\u001b[31mgpt-4o-mini'],
      ['a newline (log forging)', 'gpt\n[ERROR] forged line'],
      ['a lone surrogate', 'gpt-\ud800'],
      ['an RTL override', 'gpt-\u202e4o'],
      ['a zero-width space', 'gpt-4o-mini\u200b'],
      ['a BOM', '\ufeffgpt-4o-mini'],
      ['a replacement character', 'gpt-\ufffd'],
      ['300 characters', 'm'.repeat(300)],
    ])('refuses a model name with %s with 400 invalid_request', async (_name, model) => {
      const body = expectShapedRejection(await chat(withModel(model)), 400);
      expect(body.error).toMatchObject({ code: 'invalid_request', param: 'model' });
    });

    it.each([
      ['SQL', "gpt' OR '1'='1'; DROP TABLE keys; --"],
      ['path traversal', '../../../../etc/passwd'],
      ['a template string', '${process.env.LITELLM_MASTER_KEY}'],
      ['a mustache template', '{{constructor.constructor("return process")()}}'],
      ['markup', '<script>alert(1)</script>'],
    ])('answers a model name with %s as an unknown model (404)', async (_name, model) => {
      const res = await chat(withModel(model));
      expect(expectShapedRejection(res, 404).error.code).toBe('model_not_found');
      expect(res.body).not.toContain(TEST_MASTER_KEY);
    });

    it('answers a body over the limit with 413, declared or streamed', async () => {
      const big = CHAT_BODY.replace('"hi"', JSON.stringify('x'.repeat(1_100_000)));
      expectShapedRejection(await chat(big), 413);
      const declared = rawPost(`${AUTH}\n${JSON_TYPE}\nContent-Length: 99999999999999`);
      expectShapedRejection(await send(declared), 413);
    });

    it('answers non-finite and absurd numbers with 400', async () => {
      const res = await chat(CHAT_BODY.replace('{', '{"n":1e999,'));
      expect(expectShapedRejection(res, 400).error.param).toBe('n');
    });

    it.each([
      [
        'deep input to embeddings',
        '/v1/embeddings',
        `{"model":"gpt-4o-mini","input":${nested(5000)}}`,
      ],
      ['a deep prompt to completions', '/v1/completions', `{"model":"m","prompt":${nested(5000)}}`],
      ['a NUL model to embeddings', '/v1/embeddings', '{"model":"gpt\\u0000","input":"x"}'],
    ])('answers %s with 400', async (_name, path, body) => {
      expectShapedRejection(await post(path, body), 400);
    });
  });

  it('still serves normal requests, nesting up to the limit and unusual but valid text included', async () => {
    expect((await chat(CHAT_BODY.replace('"hi"', nested(60)))).status).toBe(200);
    const text = '"\\u202e \\u200b \\ud83d\\ude00 é \\u0000 \\ud800"';
    expect((await chat(CHAT_BODY.replace('"hi"', text))).status).toBe(200);
    const schema = { type: 'object', properties: { constructor: { type: 'string' } } };
    const tools = [{ type: 'function', function: { name: 'f', parameters: schema } }];
    expect((await chat(withModel('gpt-4o-mini', { tools }))).status).toBe(200);
  });

  it('stays up after the barrage', async () => {
    const live = await call(`${gw.url}/_health/live`);
    expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
