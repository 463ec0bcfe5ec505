import type { Principal } from '@routeiq/common';
import type { BlockList } from 'node:net';

export type PolicyAction = 'allow' | 'deny';

/** What a request looks like to the policy engine. Identity comes only from the verified principal. */
export interface PolicyInput {
  readonly principal?: Principal;
  /** Request path without the query string. */
  readonly route: string;
  /** Upper-case HTTP method, as Node reports it. */
  readonly method: string;
  /** The requested model (`body.model`), once known. */
  readonly model?: string;
  /**
   * True when the model is not known yet but will be (e.g. checked by the auth guard before the body
   * is read): a rule that depends on the model then defers the decision instead of not matching.
   */
  readonly modelPending?: boolean;
  /** Normalised socket address (no `::ffff:` prefix). */
  readonly sourceIp?: string;
}

/**
 * Why a decision came out as it did: a rule matched, nothing matched (`default_action`), the engine
 * is disabled, the policy could not be loaded (`unavailable`), or a model-dependent rule has to wait
 * for the model (`deferred`, always allowed: the final check runs once the model is known).
 */
export type PolicyDecisionBasis = 'rule' | 'default' | 'disabled' | 'unavailable' | 'deferred';

export interface PolicyDecision {
  readonly allowed: boolean;
  /** Name of the rule that decided, when one did. */
  readonly rule?: string;
  readonly reason: string;
  readonly basis: PolicyDecisionBasis;
}

/** A validated rule with its globs compiled once, at load. */
export interface CompiledRule {
  readonly name: string;
  readonly action: PolicyAction;
  readonly priority: number;
  readonly description?: string;
  readonly teams?: RegExp;
  readonly users?: RegExp;
  readonly apiKeys?: RegExp;
  readonly routes?: RegExp;
  readonly methods?: ReadonlySet<string>;
  readonly models?: RegExp;
  readonly sourceIps?: BlockList;
  /** Returned as is when the rule matches, so evaluation allocates nothing. */
  readonly decision: PolicyDecision;
}

export interface CompiledPolicy {
  readonly defaultAction: PolicyAction;
  /** Sorted: highest priority first, ties in file order. */
  readonly rules: readonly CompiledRule[];
  readonly defaultDecision: PolicyDecision;
}
