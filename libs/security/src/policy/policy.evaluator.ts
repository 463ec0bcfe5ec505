import { isIPv4 } from 'node:net';
import type { CompiledPolicy, CompiledRule, PolicyDecision, PolicyInput } from './policy.types';

enum Match {
  No,
  Yes,
  /** Matches on everything known; the outcome depends on the model, which is not known yet. */
  Pending,
}

export const DEFERRED_DECISION: PolicyDecision = Object.freeze({
  allowed: true,
  reason: 'a policy rule depends on the model, which is not known yet',
  basis: 'deferred',
});

/**
 * First matching rule wins, in priority order; no match falls back to `default_action`.
 * O(rules), and allocates nothing: decisions are prebuilt at load.
 *
 * While the model is pending, a rule that depends on it may or may not match later. An allow rule
 * there means some model could be allowed, so the decision is deferred; deny rules are skipped,
 * and a later deny still stands because the request is denied whichever way the model goes.
 */
export function evaluatePolicy(policy: CompiledPolicy, input: PolicyInput): PolicyDecision {
  const family = input.sourceIp !== undefined && isIPv4(input.sourceIp) ? 'ipv4' : 'ipv6';
  let skippedPendingDeny = false;
  for (const rule of policy.rules) {
    const match = matchRule(rule, input, family);
    if (match === Match.Yes) {
      return skippedPendingDeny && rule.decision.allowed ? DEFERRED_DECISION : rule.decision;
    }
    if (match === Match.Pending) {
      if (rule.action === 'allow') return DEFERRED_DECISION;
      skippedPendingDeny = true;
    }
  }
  const fallback = policy.defaultDecision;
  return skippedPendingDeny && fallback.allowed ? DEFERRED_DECISION : fallback;
}

/** All given matchers must match; a matcher whose subject is absent does not. Cheapest first. */
function matchRule(rule: CompiledRule, input: PolicyInput, family: 'ipv4' | 'ipv6'): Match {
  const principal = input.principal;
  if (rule.methods && !rule.methods.has(input.method)) return Match.No;
  if (rule.routes && !rule.routes.test(input.route)) return Match.No;
  if (rule.teams && !matches(rule.teams, principal?.teamId)) return Match.No;
  if (rule.users && !matches(rule.users, principal?.userId)) return Match.No;
  if (
    rule.apiKeys &&
    !(matches(rule.apiKeys, principal?.keyAlias) || matches(rule.apiKeys, principal?.keyId))
  ) {
    return Match.No;
  }
  if (rule.sourceIps) {
    if (input.sourceIp === undefined || !rule.sourceIps.check(input.sourceIp, family)) {
      return Match.No;
    }
  }
  if (rule.models) {
    if (input.model !== undefined) return rule.models.test(input.model) ? Match.Yes : Match.No;
    return input.modelPending === true ? Match.Pending : Match.No;
  }
  return Match.Yes;
}

function matches(pattern: RegExp, subject: string | undefined): boolean {
  return subject !== undefined && pattern.test(subject);
}
