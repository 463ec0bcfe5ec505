/**
 * Small values that expire after a time to live (sessions, short-lived tokens): Redis keys under
 * the prefix when Redis is configured, so every replica sees them, otherwise memory. Values are
 * grouped by `namespace` (e.g. `mcp-session`); ids must be unique within one.
 */
export abstract class ExpiringStore {
  /** The value, or undefined when it was never set, was deleted or has expired. */
  abstract get(namespace: string, id: string): Promise<string | undefined>;

  /** Stores `value`, replacing any previous one, for `ttlSeconds` (a positive integer). */
  abstract set(namespace: string, id: string, value: string, ttlSeconds: number): Promise<void>;

  /**
   * Stores `value` only when no live value exists (Redis `SET NX`): true when this call stored it.
   * Atomic across replicas, so it serves as a short lock ("only one replica does this now").
   */
  abstract claim(
    namespace: string,
    id: string,
    value: string,
    ttlSeconds: number,
  ): Promise<boolean>;

  /** Restarts the time to live of a live value; false when there is none. */
  abstract touch(namespace: string, id: string, ttlSeconds: number): Promise<boolean>;

  /** Removes the value; false when there was none. */
  abstract delete(namespace: string, id: string): Promise<boolean>;
}

/** @throws RangeError when `ttlSeconds` is not a positive integer (a caller's bug). */
export function checkTtlSeconds(ttlSeconds: number): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new RangeError(`ttlSeconds must be a positive integer (got ${ttlSeconds})`);
  }
}
