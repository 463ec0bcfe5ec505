/** What an inference (or tool, or agent) call is expected to cost, before it runs. */
export interface UsageEstimate {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly spendUsd: number;
}

/** What it actually cost. */
export type ActualUsage = UsageEstimate;

/**
 * A request let through: quota reserved, identity known. Exactly one of `settle` or `release`
 * must be called when the request ends; both are cheap and never throw.
 */
export interface Admission {
  /** `x-ratelimit-*` headers to send with the answer; undefined when no limit applies. */
  readonly headers: Readonly<Record<string, string>> | undefined;
  settle(actual: ActualUsage): void;
  /** The call failed before using tokens: refund the reservation, keep the request counted. */
  release(): void;
}
