import type { HaMode } from './leader-election.config';
import type { LeaseHolder } from './redis-leader.lease';

/**
 * Share of the lease this replica gives up to clock drift and latency: it stops acting at 90% of
 * the lease measured from before the command that set it, so it has stepped down locally before
 * Redis lets anyone else in.
 */
export const DRIFT_FACTOR = 0.1;
/** A follower retries this long after the holder's lease should have expired. */
export const EXPIRY_SLACK_MS = 5;
/** Bus topic: a leader released its lease (shutdown); followers try at once instead of polling. */
export const LEADER_RELEASED_TOPIC = 'leader.released';

/** This replica's view of the election, for `GET /config/sync/status`. */
export interface LeaderElectionStatus {
  readonly haMode: HaMode;
  readonly instanceId: string;
  readonly role: 'leader' | 'follower' | 'standalone';
  /** The leader as Redis reports it (this replica's own view when Redis cannot be read). */
  readonly leader: LeaseHolder | null;
  readonly leaseSeconds: number;
}
