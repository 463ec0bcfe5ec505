import { Injectable } from '@nestjs/common';

/**
 * What must have loaded before this replica takes traffic: each component registers a check
 * (`isWarm`) and readiness stays false until every check has passed once. Warmth is latched: a
 * component that loaded once keeps serving from memory, and a later outage of what it reads is
 * the database or Redis readiness check's business, not a reason to forget it was warm.
 */
@Injectable()
export class WarmUpRegistry {
  private readonly checks = new Map<string, () => boolean>();

  /**
   * Holds readiness down until `isWarm()` returns true. Registering a name again replaces its
   * check (and makes it cold again until that check passes).
   */
  track(name: string, isWarm: () => boolean): void {
    this.checks.set(name, isWarm);
  }

  /** Names of the components still warming up, sorted; empty when the replica is warm. */
  pending(): string[] {
    const cold: string[] = [];
    for (const [name, isWarm] of this.checks) {
      if (warm(isWarm)) this.checks.delete(name);
      else cold.push(name);
    }
    return cold.sort();
  }
}

/** A check that throws is not warm yet: it is asked again at the next readiness probe. */
function warm(isWarm: () => boolean): boolean {
  try {
    return isWarm();
  } catch {
    return false;
  }
}
