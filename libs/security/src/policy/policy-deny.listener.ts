import type { Principal } from '@routeiq/common';

/** One refused request, as the audit log records it. Carries no credentials and no body. */
export interface PolicyDenyEvent {
  readonly requestId: string;
  readonly principal?: Principal;
  readonly route: string;
  readonly method: string;
  readonly model?: string;
  readonly sourceIp?: string;
  /** The rule that denied; undefined for `default_action: deny` or an unavailable engine. */
  readonly rule?: string;
  readonly reason: string;
}

/**
 * Port told about every policy denial (the audit log implements it). Called on the request path:
 * do the slow work asynchronously. Errors and rejections are logged and never fail the request.
 */
export abstract class PolicyDenyListener {
  abstract onDeny(event: PolicyDenyEvent): void | Promise<void>;
}

/** The default when nothing subscribes. */
export class NoopPolicyDenyListener extends PolicyDenyListener {
  onDeny(): void {
    // Nothing listens.
  }
}
