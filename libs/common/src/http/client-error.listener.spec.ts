import { Logger } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { CommonErrorCode } from '../errors/common.exception';
import {
  attachClientErrorHandling,
  ClientErrorCode,
  clientErrorFor,
  mergeRepeatedAuthorization,
  rawErrorResponse,
} from './client-error.listener';

/** Writes `payload` and collects everything the server sends until it closes the connection. */
function exchange(server: Server, payload: string): Promise<string> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('close', () => resolve(received));
    socket.on('error', () => undefined);
    socket.write(payload.replace(/\n/g, '\r\n'));
  });
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: { headersTimeout?: number; requestTimeout?: number } = {},
): Promise<Server> {
  const server = createServer({ ...options, connectionsCheckingInterval: 50 }, handler);
  attachClientErrorHandling(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function bodyOf(raw: string): { error: { code: string; type: string }; request_id: string } {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as {
    error: { code: string; type: string };
    request_id: string;
  };
}

// The refusals are logged at debug level; keep the test output clean.
beforeAll(() => {
  Logger.overrideLogger(false);
});

describe(clientErrorFor.name, () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431, ClientErrorCode.RequestHeadersTooLarge],
    ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413, CommonErrorCode.RequestTooLarge],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, ClientErrorCode.RequestTimeout],
    ['HPE_INVALID_HEADER_TOKEN', 400, CommonErrorCode.InvalidRequest],
    [undefined, 400, CommonErrorCode.InvalidRequest],
  ])('maps %s to %i %s', (code, status, errorCode) => {
    expect(clientErrorFor(code)).toMatchObject({ status, code: errorCode });
  });
});

describe(rawErrorResponse.name, () => {
  it('is a complete HTTP/1.1 response with the error envelope, a request id and no keep-alive', () => {
    const raw = rawErrorResponse(clientErrorFor('HPE_HEADER_OVERFLOW'));
    const [head = '', payload = ''] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(head).toContain('\r\nconnection: close');
    expect(head).toContain(`\r\ncontent-length: ${Buffer.byteLength(payload)}`);
    const body = bodyOf(raw);
    expect(head).toContain(`\r\nx-request-id: ${body.request_id}`);
    expect(body.error).toMatchObject({ code: 'request_headers_too_large', param: null });
  });
});

describe(attachClientErrorHandling.name, () => {
  const ok = (_req: IncomingMessage, res: ServerResponse): void => void res.end('ok');

  it('answers a malformed request with a JSON 400 and closes the connection', async () => {
    const server = await listen(ok);
    try {
      const raw = await exchange(server, 'GET / HTTP/1.1\nHost: x\nX-A: a\x00b\n\n');
      expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(bodyOf(raw).error).toMatchObject({ code: 'invalid_request' });
    } finally {
      await close(server);
    }
  });

  it('answers headers that never finish with a JSON 408', async () => {
    const server = await listen(ok, { headersTimeout: 100, requestTimeout: 150 });
    try {
      const raw = await exchange(server, 'GET / HTTP/1.1\nHost: x\n');
      expect(raw).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(bodyOf(raw).error).toMatchObject({ code: 'request_timeout', type: 'timeout_error' });
    } finally {
      await close(server);
    }
  });

  it('never writes a second response once the first has started', async () => {
    const server = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('started');
    });
    try {
      const raw = await exchange(
        server,
        'POST / HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n\n2\n{}\nzz\n',
      );
      expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(raw).not.toContain('HTTP/1.1 400');
    } finally {
      await close(server);
    }
  });

  it('answers CONNECT with a JSON 405 instead of dropping the connection', async () => {
    const server = await listen(ok);
    try {
      const raw = await exchange(server, 'CONNECT evil.example:443 HTTP/1.1\nHost: x\n\n');
      expect(raw).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
      expect(bodyOf(raw).error.code).toBe('method_not_allowed');
    } finally {
      await close(server);
    }
  });
});

describe(mergeRepeatedAuthorization.name, () => {
  const request = (rawHeaders: string[]): IncomingMessage => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < rawHeaders.length; i += 2) {
      headers[rawHeaders[i]!.toLowerCase()] ??= rawHeaders[i + 1]!;
    }
    return { rawHeaders, headers } as unknown as IncomingMessage;
  };

  it('joins repeated Authorization headers, whatever their case, into one invalid value', () => {
    const req = request(['Authorization', 'Bearer a', 'Host', 'x', 'AUTHORIZATION', 'Bearer b']);
    mergeRepeatedAuthorization(req);
    expect(req.headers.authorization).toBe('Bearer a, Bearer b');
  });

  it('leaves a single Authorization header alone', () => {
    const req = request(['Host', 'x', 'authorization', 'Bearer a', 'X-Authorizatio', 'y']);
    mergeRepeatedAuthorization(req);
    expect(req.headers.authorization).toBe('Bearer a');
  });
});
