import { BadRequestException, HttpException, Logger, NotFoundException } from '@nestjs/common';
import type { GatewayRequest } from '../http/gateway-request';
import { CommonErrorCode, CommonException } from './common.exception';
import { toGatewayException } from './to-gateway-exception';

class RecordingLogger extends Logger {
  readonly lines: Array<{ fields: unknown; message: unknown }> = [];

  override error(fields: unknown, message?: unknown): void {
    this.lines.push({ fields, message });
  }
}

const request = (url: string): GatewayRequest =>
  ({ id: 'req-1', method: 'POST', url, headers: {} }) as unknown as GatewayRequest;

describe(toGatewayException.name, () => {
  let logger: RecordingLogger;

  beforeEach(() => {
    logger = new RecordingLogger('Errors');
  });

  const convert = (error: unknown, req?: GatewayRequest) =>
    toGatewayException(error, { logger, requestId: 'req-1', req, message: 'unhandled error' });

  it('keeps a gateway exception as it is, without logging it', () => {
    const error = CommonException.invalidRequest('"model" is required', 'model');
    expect(convert(error, request('/v1/chat/completions'))).toBe(error);
    expect(logger.lines).toEqual([]);
  });

  it("turns Nest's 404 into route_not_found for the request's path, query left out", () => {
    const error = convert(new NotFoundException(), request('/v1/nope?x=1'));
    expect(error.status).toBe(404);
    expect(error.code).toBe(CommonErrorCode.RouteNotFound);
    expect(error.message).toBe('No route for POST /v1/nope');
  });

  it("keeps another HttpException's status and message; a 5xx says nothing of its cause", () => {
    const bad = convert(new BadRequestException('bad thing'), request('/x'));
    expect(bad.status).toBe(400);
    expect(bad.code).toBe(CommonErrorCode.InvalidRequest);
    expect(bad.message).toBe('bad thing');
    const broken = convert(new HttpException('db password=hunter2 failed', 503), request('/x'));
    expect(broken.status).toBe(503);
    expect(broken.code).toBe(CommonErrorCode.Internal);
    expect(broken.message).toBe('Internal server error');
    expect(logger.lines).toEqual([]);
  });

  it('logs anything else with its stack, secrets scrubbed, and answers a sanitised 500', () => {
    const error = convert(
      new Error('upstream said Bearer sk-live-0123456789abcdef'),
      request('/v1/chat/completions'),
    );
    expect(error.status).toBe(500);
    expect(error.code).toBe(CommonErrorCode.Internal);
    expect(error.message).toBe('Internal server error (request id req-1)');
    expect(logger.lines).toHaveLength(1);
    const [line] = logger.lines;
    expect(line!.message).toBe('unhandled error');
    const fields = line!.fields as { request_id: string; err: string };
    expect(fields.request_id).toBe('req-1');
    expect(fields.err).toContain('Error: upstream said');
    expect(fields.err).not.toContain('sk-live-0123456789abcdef');
  });

  it('names the request id alone when there is no request, also for thrown non-errors', () => {
    const error = convert('a string was thrown');
    expect(error.status).toBe(500);
    expect(logger.lines[0]!.fields).toEqual({
      request_id: 'req-1',
      err: 'a string was thrown',
    });
  });
});
