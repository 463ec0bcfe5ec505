/** Why a candidate was or was not eligible when the router chose. */
export type CandidateState =
  'eligible' | 'cooldown' | 'breaker_open' | 'over_limit' | 'already_tried' | 'incapable';

export interface RouterDecisionCandidate {
  readonly deployment: string;
  readonly state: CandidateState;
}

/** One upstream call made for the request. */
export interface RouterDecisionAttempt {
  readonly model_group: string;
  readonly deployment: string;
  readonly outcome: 'success' | 'error';
  /** The gateway error code and the normalised provider error kind, on failure. */
  readonly error_code?: string;
  readonly error_kind?: string;
  readonly status?: number;
  readonly duration_ms: number;
}

/**
 * `routeiq.router_decision.v1`: how one request was routed. Produced for every routed request,
 * kept for `GET /router/decisions`, handed to observability and to the ML training export.
 * Never contains prompt or completion text.
 */
export interface RouterDecision {
  readonly event: 'routeiq.router_decision.v1';
  readonly request_id: string;
  readonly timestamp: string;
  /** The model the client asked for (after alias resolution: the group). */
  readonly model_group: string;
  readonly strategy: string;
  readonly strategy_version: string;
  /** Set when an A/B experiment chose the strategy. */
  readonly experiment?: { readonly id: string; readonly variant: string };
  /** The strategy that was meant to choose failed; why (the default strategy chose instead). */
  readonly strategy_error?: string;
  /** Candidates of the first choice and their eligibility. */
  readonly candidates: readonly RouterDecisionCandidate[];
  /** The deployment that answered, or null when none did. */
  selected: string | null;
  /** The strategy's reason for its first choice, or why nothing could be chosen. */
  reason: string;
  readonly timings: {
    /** Time spent choosing, summed over every attempt, microseconds. */
    decision_us: number;
    /** From the first choice to the answer (or the last failure), ms. */
    total_ms: number;
  };
  /** `dry_run` for `POST /router/route`, which calls nothing. */
  outcome: 'success' | 'error' | 'dry_run';
  /** Set when the answer came from another model group than the one asked for. */
  fallback?: { readonly from: string; readonly to: string; readonly reason: string };
  readonly attempts: RouterDecisionAttempt[];
}
