import { GatewayException, type GatewayErrorInit } from '@routeiq/common';

export enum OutboundErrorCode {
  SsrfBlocked = 'ssrf_blocked',
  RequestFailed = 'outbound_request_failed',
  Timeout = 'outbound_timeout',
  ResponseTooLarge = 'outbound_response_too_large',
}

/** Why the outbound guard refused a URL (`OutboundException.reason`). */
export enum SsrfBlockReason {
  InvalidUrl = 'invalid_url',
  SchemeNotAllowed = 'scheme_not_allowed',
  UserinfoNotAllowed = 'userinfo_not_allowed',
  HostNotAllowlisted = 'host_not_allowlisted',
  LocalhostName = 'localhost_name',
  MetadataHost = 'metadata_host',
  Loopback = 'loopback',
  LinkLocal = 'link_local',
  Metadata = 'metadata',
  Unspecified = 'unspecified',
  Multicast = 'multicast',
  Broadcast = 'broadcast',
  Reserved = 'reserved',
  Private = 'private',
  Cgnat = 'cgnat',
  UniqueLocal = 'unique_local',
  DnsResolutionFailed = 'dns_resolution_failed',
  RedirectRefused = 'redirect_refused',
  /** A pinned dispatcher was asked to connect to an origin the guard did not check. */
  OriginNotChecked = 'origin_not_checked',
  /** An inference body named its own upstream (`api_base`/`base_url`): refused by default. */
  ClientApiBase = 'client_api_base_refused',
}

/**
 * Errors of outbound calls to URLs the operator did not write (MCP servers, A2A agents, webhooks,
 * client-supplied `api_base`). Messages name the host at most, never the full URL: its userinfo
 * or query may hold credentials.
 */
export class OutboundException extends GatewayException {
  /** Set on `ssrf_blocked` errors. */
  readonly reason: SsrfBlockReason | null;

  constructor(init: GatewayErrorInit, reason?: SsrfBlockReason) {
    super(init);
    this.reason = reason ?? null;
  }

  static blocked(reason: SsrfBlockReason, detail: string): OutboundException {
    return new OutboundException(
      {
        status: 400,
        code: OutboundErrorCode.SsrfBlocked,
        message: `Outbound URL blocked: ${detail}`,
      },
      reason,
    );
  }

  static requestFailed(host: string, cause: unknown): OutboundException {
    const code = errorCode(cause);
    return new OutboundException({
      status: 502,
      type: 'api_error',
      code: OutboundErrorCode.RequestFailed,
      message: `Outbound request to ${host} failed${code ? ` (${code})` : ''}`,
      cause,
    });
  }

  static timeout(host: string, timeoutMs: number): OutboundException {
    return new OutboundException({
      status: 504,
      code: OutboundErrorCode.Timeout,
      message: `Outbound request to ${host} timed out after ${timeoutMs} ms`,
    });
  }

  static responseTooLarge(host: string, limitBytes: number): OutboundException {
    return new OutboundException({
      status: 502,
      type: 'api_error',
      code: OutboundErrorCode.ResponseTooLarge,
      message: `Response from ${host} exceeds the limit of ${limitBytes} bytes`,
    });
  }
}

function errorCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null || !('code' in err)) return null;
  const { code } = err;
  return typeof code === 'string' ? code : null;
}
