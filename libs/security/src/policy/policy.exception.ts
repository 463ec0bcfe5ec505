import { GatewayException } from '@routeiq/common';
import type { PolicyDecision } from './policy.types';

export enum PolicyErrorCode {
  PolicyDenied = 'policy_denied',
  PolicyEngineUnavailable = 'policy_engine_unavailable',
}

export class PolicyException extends GatewayException {
  /** 403: a rule (or `default_action: deny`) refused the request. */
  static denied(decision: PolicyDecision): PolicyException {
    const message =
      decision.rule === undefined
        ? 'Denied by policy: no rule allows this request (default_action is deny)'
        : `Denied by policy rule "${decision.rule}"`;
    return new PolicyException({ status: 403, code: PolicyErrorCode.PolicyDenied, message });
  }

  /** 503: the policy could not be evaluated and POLICY_ENGINE_FAIL_MODE is closed. */
  static unavailable(cause?: unknown): PolicyException {
    return new PolicyException({
      status: 503,
      code: PolicyErrorCode.PolicyEngineUnavailable,
      message: 'The policy engine is unavailable, so the request was refused',
      cause,
    });
  }
}
