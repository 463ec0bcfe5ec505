import { Injectable, Logger, Optional } from '@nestjs/common';
import { clientIpOf, type GatewayRequest } from '@routeiq/common';
import {
  NoopPolicyDenyListener,
  PolicyDenyListener,
  type PolicyDenyEvent,
} from './policy-deny.listener';
import { PolicyEngine } from './policy.engine';
import { PolicyException } from './policy.exception';
import type { PolicyDecision, PolicyInput } from './policy.types';

/** Fail-open warnings are rate-limited so an outage does not flood the log. */
const FAIL_OPEN_WARNING_INTERVAL_MS = 60_000;

const EVALUATION_FAILED_OPEN: PolicyDecision = Object.freeze({
  allowed: true,
  reason: 'policy evaluation failed; POLICY_ENGINE_FAIL_MODE=open allows the request',
  basis: 'unavailable',
});
const EVALUATION_FAILED_CLOSED: PolicyDecision = Object.freeze({
  allowed: false,
  reason: 'policy evaluation failed; POLICY_ENGINE_FAIL_MODE=closed denies the request',
  basis: 'unavailable',
});

/** The request's path without the query string: Express's `req.path`, else from `req.url`. */
export function requestRoute(req: GatewayRequest): string {
  return normaliseRoute(req.path ?? pathOf(req.url ?? '/'));
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Express routes ignore case and a trailing slash: rules must see the path the router matched,
 * or `/V1/Chat/Completions/` would slip past a rule on `/v1/chat/*`.
 */
function normaliseRoute(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.replace(/\/+$/, '') || '/' : lower;
}

/** The policy input of a request; identity only from the verified principal, IP from the socket. */
export function policyInputFor(
  req: GatewayRequest,
  model?: string,
  modelPending = false,
): PolicyInput {
  return {
    principal: req.principal,
    route: requestRoute(req),
    method: req.method ?? 'GET',
    model,
    modelPending,
    sourceIp: clientIpOf(req),
  };
}

/**
 * Applies the policy to a request: throws PolicyException (403 `policy_denied`, or 503
 * `policy_engine_unavailable` in fail mode closed) and tells the deny listener.
 */
@Injectable()
export class PolicyEnforcer {
  private readonly logger = new Logger('Policy');
  private readonly listener: PolicyDenyListener;
  private lastFailOpenWarning = -Infinity;

  constructor(
    private readonly engine: PolicyEngine,
    @Optional() listener?: PolicyDenyListener,
  ) {
    this.listener = listener ?? new NoopPolicyDenyListener();
  }

  /**
   * The final decision. Pass the model once it is known; without one, rules that match on
   * `models` do not match (the request has no model).
   * @throws PolicyException when the request is denied.
   */
  enforce(req: GatewayRequest, model?: string): void {
    if (this.engine.enabled) this.check(req, policyInputFor(req, model));
  }

  /**
   * An early check for a request whose model is not known yet (e.g. from the auth guard, before the
   * body is read). Denies only what no model could allow; `enforce(req, model)` must follow.
   * @throws PolicyException when the request is denied.
   */
  precheck(req: GatewayRequest): void {
    if (this.engine.enabled) this.check(req, policyInputFor(req, undefined, true));
  }

  private check(req: GatewayRequest, input: PolicyInput): void {
    const decision = this.decide(input);
    if (decision.allowed) {
      if (decision.basis === 'unavailable') this.warnFailOpen(decision);
      return;
    }
    this.notify(req, input, decision);
    throw decision.basis === 'unavailable'
      ? PolicyException.unavailable()
      : PolicyException.denied(decision);
  }

  private decide(input: PolicyInput): PolicyDecision {
    try {
      return this.engine.evaluate(input);
    } catch (error) {
      this.logger.error(`policy evaluation failed: ${String(error)}`);
      return this.engine.failMode === 'open' ? EVALUATION_FAILED_OPEN : EVALUATION_FAILED_CLOSED;
    }
  }

  private notify(req: GatewayRequest, input: PolicyInput, decision: PolicyDecision): void {
    const event: PolicyDenyEvent = {
      requestId: req.id,
      principal: input.principal,
      route: input.route,
      method: input.method,
      model: input.model,
      sourceIp: input.sourceIp,
      rule: decision.rule,
      reason: decision.reason,
    };
    try {
      const pending = this.listener.onDeny(event);
      if (pending) pending.catch((error: unknown) => this.listenerFailed(error));
    } catch (error) {
      this.listenerFailed(error);
    }
  }

  private listenerFailed(error: unknown): void {
    this.logger.error(`policy deny listener failed: ${String(error)}`);
  }

  private warnFailOpen(decision: PolicyDecision): void {
    const now = Date.now();
    if (now - this.lastFailOpenWarning < FAIL_OPEN_WARNING_INTERVAL_MS) return;
    this.lastFailOpenWarning = now;
    this.logger.warn(`${decision.reason} (further warnings suppressed for a minute)`);
  }
}
