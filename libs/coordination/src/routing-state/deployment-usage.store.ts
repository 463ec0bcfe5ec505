/** Requests and tokens of one deployment in the current minute, all replicas together. */
export interface DeploymentUsage {
  readonly requests: number;
  readonly tokens: number;
}

export const NO_USAGE: DeploymentUsage = { requests: 0, tokens: 0 };

/**
 * Per-deployment rpm/tpm counters of the current minute (fixed windows keyed by epoch minute),
 * counted across replicas. Nothing here is awaited on the request path: counts are added to a
 * local delta and `current` answers from memory (the last synced totals plus this replica's
 * unsynced delta); with Redis a timer pushes the deltas (HINCRBY, expiry 2 min) and pulls the
 * totals every `syncIntervalMs` (100 ms), so replicas agree within about that long.
 */
export abstract class DeploymentUsageStore {
  abstract addRequest(deploymentId: string, now: number): void;
  abstract addTokens(deploymentId: string, tokens: number, now: number): void;
  abstract current(deploymentId: string, now: number): DeploymentUsage;
  /** Pushes pending deltas and pulls totals now (tests, shutdown). */
  abstract sync(): Promise<void>;
}
