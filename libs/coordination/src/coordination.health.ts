/** Readiness probe of the coordination backend. */
export abstract class CoordinationHealth {
  /** True when Redis is configured; false for the in-memory single-node backend. */
  abstract readonly enabled: boolean;

  /** Log-safe description of the backend (never the password). */
  abstract describe(): string;

  /** Resolves when the backend answers within `timeoutMs`; rejects with a sanitised error. */
  abstract ping(timeoutMs: number): Promise<void>;
}
