import { Logger } from '@nestjs/common';
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { CommonErrorCode, CommonException } from '../errors/common.exception';
import { errorBody, sendError } from './reply';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-id';

/** Codes of the refusals Node's HTTP layer makes before the application sees a request. */
export enum ClientErrorCode {
  RequestHeadersTooLarge = 'request_headers_too_large',
  RequestTimeout = 'request_timeout',
  MethodNotAllowed = 'method_not_allowed',
  ExpectationFailed = 'expectation_failed',
}

const logger = new Logger('ClientErrors');

/**
 * Makes the raw HTTP server answer what it refuses on its own in the gateway's error shape:
 * malformed requests (Node's default is a bare `400` with no body), oversized headers, header
 * timeouts, `CONNECT` (by default the connection is just dropped) and unsupported `Expect` values.
 * Also merges repeated `Authorization` headers (see {@link mergeRepeatedAuthorization}).
 */
export function attachClientErrorHandling(server: Server): void {
  server.on('clientError', answerClientError);
  server.on('connect', refuseConnect);
  server.on('checkExpectation', refuseExpectation);
  server.prependListener('request', mergeRepeatedAuthorization);
}

/** The refusal for a parser error code: what Node itself would send, with a body. */
export function clientErrorFor(code: string | undefined): CommonException {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new CommonException({
        status: 431,
        code: ClientErrorCode.RequestHeadersTooLarge,
        message: 'Request headers are too large',
      });
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new CommonException({
        status: 413,
        code: CommonErrorCode.RequestTooLarge,
        message: 'Request chunk extensions are too large',
      });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new CommonException({
        status: 408,
        code: ClientErrorCode.RequestTimeout,
        message: 'The request was not received in time',
      });
    default:
      // The parser's reason names internals (HPE_* codes, byte offsets): the client gets a plain one.
      return CommonException.invalidRequest('Malformed HTTP request');
  }
}

/** A complete raw HTTP/1.1 response that closes the connection, for sockets without a response. */
export function rawErrorResponse(error: CommonException): string {
  const requestId = resolveRequestId(undefined);
  const payload = JSON.stringify(errorBody(error, requestId));
  return [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(payload)}`,
    `${REQUEST_ID_HEADER}: ${requestId}`,
    'connection: close',
    '',
    payload,
  ].join('\r\n');
}

function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Node's own rule: answer only if nothing of an in-flight response has gone out yet, else the
  // peer would read two interleaved responses.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const refusal = clientErrorFor(error.code);
  logger.debug({ code: error.code, status: refusal.status }, 'malformed request refused');
  closeWith(socket, refusal);
}

function refuseConnect(_req: IncomingMessage, socket: Duplex): void {
  closeWith(
    socket,
    new CommonException({
      status: 405,
      code: ClientErrorCode.MethodNotAllowed,
      message: 'CONNECT is not supported: the gateway is not a forward proxy',
    }),
  );
}

function refuseExpectation(req: IncomingMessage, res: ServerResponse): void {
  const requestId = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
  res.setHeader(REQUEST_ID_HEADER, requestId);
  const error = new CommonException({
    status: 417,
    code: ClientErrorCode.ExpectationFailed,
    message: 'Only "Expect: 100-continue" is supported',
    // The body, if any, is left unread.
    headers: { connection: 'close' },
  });
  sendError(res, error, requestId);
}

function closeWith(socket: Duplex, error: CommonException): void {
  socket.end(rawErrorResponse(error), () => socket.destroy());
}

/**
 * Node keeps only the first of repeated `Authorization` headers, while a proxy in front may use
 * the last one: two parties would authenticate different credentials. Repeated fields become one
 * comma-joined value (RFC 9110 §5.3), which is never a valid credential, so such a request fails
 * authentication with 401. Only header names of the right length are compared.
 */
export function mergeRepeatedAuthorization(req: IncomingMessage): void {
  const raw = req.rawHeaders;
  let first: string | undefined;
  let values: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== 13 || name.toLowerCase() !== 'authorization') continue;
    const value = raw[i + 1] ?? '';
    if (first === undefined) first = value;
    else (values ??= [first]).push(value);
  }
  if (values) req.headers.authorization = values.join(', ');
}
