/** OpenAI-compatible error `type` values rendered in `{ error: { type } }`. */
export type GatewayErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'server_error'
  | 'timeout_error';

export interface GatewayErrorInit {
  status: number;
  code: string;
  message: string;
  type?: GatewayErrorType;
  param?: string | null;
  /** Extra response headers, e.g. `retry-after` on a 429. */
  headers?: Readonly<Record<string, string>>;
  /** More fields of the `error` object, e.g. the guardrail and category of a refusal. */
  fields?: Readonly<Record<string, string>>;
  cause?: unknown;
}

const TYPE_BY_STATUS: Readonly<Record<number, GatewayErrorType>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  504: 'timeout_error',
};

/** Default error type for an HTTP status: 4xx are request errors, 5xx are server errors. */
export function errorTypeForStatus(status: number): GatewayErrorType {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/**
 * Base class for every error the gateway renders on purpose. The global filter turns it into
 * `{ error: { message, type, code, param }, request_id }` with `status`. Retry and fallback
 * decisions read `code`, never `message`.
 */
export class GatewayException extends Error {
  readonly status: number;
  readonly code: string;
  readonly type: GatewayErrorType;
  readonly param: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, string>> | undefined;

  constructor(init: GatewayErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.type = init.type ?? errorTypeForStatus(init.status);
    this.param = init.param ?? null;
    this.headers = init.headers ?? {};
    this.fields = init.fields;
  }
}
