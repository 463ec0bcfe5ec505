import { ProviderErrorKind, ProviderException } from '@routeiq/providers';

export enum RoutingFailureCode {
  /** Every deployment of the group is cooling down, has its breaker open, or is over rpm/tpm. */
  NoDeploymentAvailable = 'no_deployment_available',
  /** The request's deadline (`timeout`, else `router_settings.timeout`) passed. */
  RequestTimeout = 'request_timeout',
  /** The upstream stream ended before sending any content. */
  EmptyStream = 'upstream_empty_stream',
}

const MINUTE_MS = 60_000;

/**
 * Whole seconds (at least 1) until the next epoch minute, when rpm/tpm counts start again from
 * zero: the earliest a group refused for being over its limits can take a request.
 */
export function secondsToNextMinute(now: number): number {
  return Math.max(1, Math.ceil((MINUTE_MS - (now % MINUTE_MS)) / 1000));
}

/**
 * Raised as provider failures so retries and fallbacks treat them like the upstream failures they
 * stand for (busy, unavailable, slow).
 */
export const RoutingFailures = {
  noDeploymentAvailable(
    group: string,
    reason: string,
    retryAfterSeconds: number,
    overLimit: boolean,
  ): ProviderException {
    return new ProviderException(
      {
        status: overLimit ? 429 : 503,
        code: RoutingFailureCode.NoDeploymentAvailable,
        type: overLimit ? 'rate_limit_error' : 'api_error',
        message: `No deployment of model "${group}" can take the request now: ${reason}; retry in ${retryAfterSeconds} s`,
        headers: { 'retry-after': String(retryAfterSeconds) },
      },
      overLimit ? ProviderErrorKind.RateLimited : ProviderErrorKind.Unavailable,
    );
  },

  requestTimeout(timeoutMs: number): ProviderException {
    return new ProviderException(
      {
        status: 504,
        code: RoutingFailureCode.RequestTimeout,
        type: 'timeout_error',
        message: `The request did not complete within its ${timeoutMs} ms deadline`,
      },
      ProviderErrorKind.Timeout,
    );
  },

  emptyStream(deploymentId: string): ProviderException {
    return new ProviderException(
      {
        status: 502,
        code: RoutingFailureCode.EmptyStream,
        type: 'api_error',
        message: `The upstream of deployment ${deploymentId} ended its stream before any content`,
      },
      ProviderErrorKind.Unavailable,
    );
  },
};
