import { GatewayException, type GatewayErrorInit } from '@routeiq/common';
import { classifyUpstreamError, ProviderErrorKind } from './provider-error-kind';

export enum ProviderErrorCode {
  /** The upstream answered with an HTTP error; its status is kept. */
  UpstreamHttpError = 'upstream_error',
  /** Connection refused, reset, DNS failure: 502. */
  UpstreamConnection = 'upstream_connection_error',
  /** No answer (or no next chunk) within the deadline: 504. */
  UpstreamTimeout = 'upstream_timeout',
  /** The upstream answered 2xx with a body we cannot read: 502. */
  UpstreamInvalidResponse = 'upstream_invalid_response',
  /** The upstream failed after the stream had started. */
  UpstreamStreamError = 'upstream_stream_error',
  /** The deployment's provider cannot do what was asked (e.g. embeddings). */
  UnsupportedOperation = 'unsupported_operation',
  /** Request fields the provider has no counterpart for (and `drop_params` is off): 400. */
  UnsupportedParams = 'unsupported_params',
  /** The client went away; nothing is sent back. */
  ClientClosed = 'client_closed_request',
}

export class ProviderException extends GatewayException {
  /** Normalised cause, for retry and fallback decisions. */
  readonly kind: ProviderErrorKind;

  constructor(
    init: GatewayErrorInit & { code: ProviderErrorCode | string },
    kind?: ProviderErrorKind,
  ) {
    super(init);
    this.kind = kind ?? defaultKind(init.status, init.code);
  }

  static connection(deploymentId: string, cause: unknown): ProviderException {
    return new ProviderException({
      status: 502,
      code: ProviderErrorCode.UpstreamConnection,
      type: 'api_error',
      message: `Could not connect to the upstream of deployment ${deploymentId}`,
      cause,
    });
  }

  static timeout(deploymentId: string, afterMs: number): ProviderException {
    return new ProviderException({
      status: 504,
      code: ProviderErrorCode.UpstreamTimeout,
      type: 'timeout_error',
      message: `The upstream of deployment ${deploymentId} did not answer within ${afterMs} ms`,
    });
  }

  static invalidResponse(deploymentId: string, detail: string): ProviderException {
    return new ProviderException({
      status: 502,
      code: ProviderErrorCode.UpstreamInvalidResponse,
      type: 'api_error',
      message: `The upstream of deployment ${deploymentId} sent an invalid response: ${detail}`,
    });
  }

  static unsupported(provider: string, operation: string): ProviderException {
    return new ProviderException({
      status: 400,
      code: ProviderErrorCode.UnsupportedOperation,
      message: `Provider "${provider}" does not support ${operation}`,
    });
  }

  static unsupportedParams(provider: string, params: readonly string[]): ProviderException {
    return new ProviderException(
      {
        status: 400,
        code: ProviderErrorCode.UnsupportedParams,
        param: params[0] ?? null,
        message:
          `Provider "${provider}" does not support ${params.map((p) => `"${p}"`).join(', ')}; ` +
          'remove them, or set drop_params: true (on the deployment, in litellm_settings or in the request) to drop them',
      },
      ProviderErrorKind.BadRequest,
    );
  }

  static clientClosed(): ProviderException {
    return new ProviderException({
      status: 499,
      code: ProviderErrorCode.ClientClosed,
      message: 'Client closed the request',
    });
  }
}

const KIND_BY_CODE: ReadonlyMap<string, ProviderErrorKind> = new Map<string, ProviderErrorKind>([
  [ProviderErrorCode.UpstreamTimeout, ProviderErrorKind.Timeout],
  [ProviderErrorCode.UpstreamConnection, ProviderErrorKind.Unavailable],
  [ProviderErrorCode.UpstreamInvalidResponse, ProviderErrorKind.Unavailable],
  [ProviderErrorCode.UpstreamStreamError, ProviderErrorKind.Unavailable],
]);

function defaultKind(status: number, code: string): ProviderErrorKind {
  return KIND_BY_CODE.get(code) ?? classifyUpstreamError(status, { code });
}
