/**
 * One routed request that was answered, as the routing trace capture records it (opt-in,
 * `LLMROUTER_TRACE_ROUTING`): the routing facts, the caller, the cost, and the prompt text only
 * when `LLMROUTER_TRACE_PROMPTS` is on (its SHA-256 always, when the request had text).
 */
export interface RouterTraceRecord {
  readonly requestId: string;
  readonly createdAt: Date;
  /** The caller's key id: only that key (or an admin) may rate the answer. */
  readonly keyId: string | null;
  readonly teamId: string | null;
  /** The model group the client asked for. */
  readonly modelGroup: string;
  /** The deployment that answered. */
  readonly deploymentId: string;
  /** The artifact candidate name of that deployment; null unless a learned strategy routed. */
  readonly routerCandidate: string | null;
  readonly strategy: string;
  readonly strategyVersion: string;
  readonly outcome: string;
  readonly latencyMs: number;
  /** Null when the caller did not report the split. */
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  readonly totalTokens: number;
  /** USD; null when unknown. */
  readonly spend: number | null;
  /** The routing prompt (`routingPromptOf`), kept only with `LLMROUTER_TRACE_PROMPTS=true`. */
  readonly prompt: string | null;
  /** Hex SHA-256 of the routing prompt; null when the request had no text. */
  readonly promptSha256: string | null;
}

/** A rating of one answer (`POST /v1/feedback`); a later rating of the same request replaces it. */
export interface RouterFeedbackRecord {
  readonly requestId: string;
  /** The key that rated (the request's own key, or an admin's). */
  readonly keyId: string;
  /** 0 (bad) to 1 (good). */
  readonly score: number;
  readonly comment: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Which rated traces an export reads. Bounds are `since` ≤ created_at < `until`. */
export interface TraceExportFilter {
  readonly since?: Date;
  readonly until?: Date;
  readonly modelGroup?: string;
  /**
   * Only prompts (by SHA-256) with at least this many rated answers; default 1 (every rated
   * trace). Traces without a prompt hash never pass a value above 1.
   */
  readonly minFeedback?: number;
  /** Rows per query. Default 500. */
  readonly pageSize?: number;
}

/** A trace with its rating, as exported for training. */
export interface RatedTrace extends RouterTraceRecord {
  readonly feedback: Pick<RouterFeedbackRecord, 'score' | 'comment' | 'updatedAt'>;
}
