import { GatewayException } from './gateway.exception';

export enum CommonErrorCode {
  InvalidJson = 'invalid_json',
  InvalidRequest = 'invalid_request',
  UnsupportedMediaType = 'unsupported_media_type',
  RequestTooLarge = 'request_too_large',
  RouteNotFound = 'route_not_found',
  ServiceUnavailable = 'service_unavailable',
  Internal = 'internal_error',
}

/** Errors raised by the shared HTTP plumbing (body reading, routing of unknown paths). */
export class CommonException extends GatewayException {
  static invalidJson(detail: string): CommonException {
    return new CommonException({
      status: 400,
      code: CommonErrorCode.InvalidJson,
      message: `Request body is not valid JSON: ${detail}`,
    });
  }

  static invalidRequest(message: string, param: string | null = null): CommonException {
    return new CommonException({
      status: 400,
      code: CommonErrorCode.InvalidRequest,
      message,
      param,
    });
  }

  static unsupportedMediaType(contentType: string | undefined): CommonException {
    return new CommonException({
      status: 415,
      code: CommonErrorCode.UnsupportedMediaType,
      message: `Content-Type must be application/json, got ${contentType ? JSON.stringify(contentType) : 'none'}`,
    });
  }

  static requestTooLarge(limitBytes: number): CommonException {
    return new CommonException({
      status: 413,
      code: CommonErrorCode.RequestTooLarge,
      message: `Request body exceeds the limit of ${limitBytes} bytes`,
    });
  }

  static routeNotFound(method: string, path: string): CommonException {
    return new CommonException({
      status: 404,
      code: CommonErrorCode.RouteNotFound,
      message: `No route for ${method} ${path}`,
    });
  }
}
