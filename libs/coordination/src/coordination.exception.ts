import { GatewayException } from '@routeiq/common';

export enum CoordinationErrorCode {
  RedisUnavailable = 'redis_unavailable',
}

/** Errors of the coordination layer; messages never carry the Redis URL or password. */
export class CoordinationException extends GatewayException {
  static redisUnavailable(reason: string, cause?: unknown): CoordinationException {
    return new CoordinationException({
      status: 503,
      code: CoordinationErrorCode.RedisUnavailable,
      message: `Redis unavailable: ${reason}`,
      cause,
    });
  }
}
