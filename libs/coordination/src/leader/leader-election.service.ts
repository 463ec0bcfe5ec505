import {
  type BeforeApplicationShutdown,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { BusMessage, CoordinationBus } from '../coordination.bus';
import { describeRedisError } from '../redis-connections';
import type { HaMode, LeaderElectionConfig } from './leader-election.config';
import {
  DRIFT_FACTOR,
  EXPIRY_SLACK_MS,
  LEADER_RELEASED_TOPIC,
  type LeaderElectionStatus,
} from './leader-election.types';
import { LeaderException } from './leader.exception';
import type { LeaseHolder, RedisLeaderLease } from './redis-leader.lease';

/**
 * Elects the one replica that runs singleton jobs (`LLMROUTER_HA_MODE=leader_election`): a Redis
 * lease renewed every third of `LLMROUTER_CONFIG_SYNC_LEASE_SECONDS`, and a fencing token that
 * grows at every acquisition. In `single` mode this replica is always the leader, token 1.
 *
 * Guarantees: at most one replica holds the lease at a time. A leader that cannot renew stops
 * reporting `isLeader()` before its lease can expire in Redis (a local deadline at 90% of the
 * lease), so its successor never overlaps with it in `isLeader()`. A paused leader that wakes up
 * after its lease expired holds a stale token: `assertFence` and `runIfLeader` check it in Redis
 * and refuse. The check and the act are two steps, so a write that must never come from a stale
 * leader should also be idempotent or compare-and-set (as the budget reset is).
 */
export class LeaderElectionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('LeaderElection');
  private readonly gained = new Set<(fencingToken: number) => void>();
  private readonly lost = new Set<(fencingToken: number) => void>();
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private token: number | undefined;
  private since: Date | undefined;
  private deadline = 0;
  private tickTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private stopped = false;
  private ticking = false;
  private redisHealthy = true;
  private unsubscribe: (() => void) | undefined;

  /**
   * @param lease required in `leader_election` mode (config validation guarantees Redis).
   * @param bus tells followers when a leader releases its lease, for a fast handover.
   */
  constructor(
    private readonly config: LeaderElectionConfig,
    readonly instanceId: string,
    private readonly lease?: RedisLeaderLease,
    private readonly bus?: CoordinationBus,
  ) {
    this.leaseMs = config.leaseSeconds * 1000;
    this.renewMs = Math.max(1, Math.floor(this.leaseMs / 3));
    if (config.haMode === 'leader_election' && !lease) {
      throw new Error('LLMROUTER_HA_MODE=leader_election needs Redis (REDIS_URL or REDIS_HOST)');
    }
    if (!this.elected) {
      this.token = 1;
      this.since = new Date();
    }
  }

  get haMode(): HaMode {
    return this.config.haMode;
  }

  /** Whether this replica may act as the leader now (local view, no Redis round trip). */
  isLeader(): boolean {
    return this.currentToken() !== undefined;
  }

  /** The fencing token of the current leadership, or undefined when this replica is not leader. */
  fencingToken(): number | undefined {
    return this.currentToken();
  }

  /**
   * Runs `action` with the fencing token when this replica is the leader, re-checked in Redis just
   * before. Resolves undefined, without running it, when it is not or Redis cannot confirm it.
   */
  async runIfLeader<T>(action: (fencingToken: number) => Promise<T>): Promise<T | undefined> {
    const token = this.currentToken();
    if (token === undefined) return undefined;
    try {
      await this.assertFence(token);
    } catch {
      return undefined;
    }
    return action(token);
  }

  /**
   * Resolves when `fencingToken` is still the leadership of this replica, checked in Redis.
   * @throws LeaderException `stale_fencing_token` when it is not (lease expired or taken over);
   * CoordinationException `redis_unavailable` when Redis cannot confirm it.
   */
  async assertFence(fencingToken: number): Promise<void> {
    if (this.currentToken() !== fencingToken) throw LeaderException.staleFencingToken(fencingToken);
    if (!this.lease) return;
    if (!(await this.lease.holds(this.instanceId, fencingToken))) {
      throw LeaderException.staleFencingToken(fencingToken);
    }
  }

  /** Called with the new token each time this replica becomes the leader. Returns an unsubscribe. */
  onBecameLeader(listener: (fencingToken: number) => void): () => void {
    this.gained.add(listener);
    return () => this.gained.delete(listener);
  }

  /** Called with the old token each time this replica stops being the leader. */
  onLostLeadership(listener: (fencingToken: number) => void): () => void {
    this.lost.add(listener);
    return () => this.lost.delete(listener);
  }

  async status(): Promise<LeaderElectionStatus> {
    const token = this.currentToken();
    const self: LeaseHolder | null =
      token === undefined
        ? null
        : { instanceId: this.instanceId, fencingToken: token, since: this.since };
    const base = {
      haMode: this.haMode,
      instanceId: this.instanceId,
      leaseSeconds: this.config.leaseSeconds,
    };
    if (!this.lease) return { ...base, role: 'standalone', leader: self };
    const leader = await this.lease.holder().catch(() => self);
    return { ...base, role: token === undefined ? 'follower' : 'leader', leader };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Starts campaigning (HA mode); resolves after the first attempt. */
  async start(): Promise<void> {
    if (!this.elected || this.stopped) return;
    this.logger.log(
      `leader election on (lease ${this.config.leaseSeconds} s, instance ${this.instanceId})`,
    );
    this.unsubscribe = this.bus?.subscribe(LEADER_RELEASED_TOPIC, (m) => this.onReleased(m));
    await this.runTick();
  }

  /**
   * Stops campaigning. With `release` (the default, on shutdown) a held lease is deleted so another
   * replica takes over at its next attempt; without it the lease is left to expire, as a crash would.
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.tickTimer);
    await this.inFlight;
    const token = this.token;
    if (!this.elected || token === undefined) return;
    if (options.release === false) {
      clearTimeout(this.deadlineTimer);
      return;
    }
    this.stepDown('released on shutdown', 'log');
    try {
      if (await this.lease?.release(this.instanceId, token)) {
        await this.bus?.publish(LEADER_RELEASED_TOPIC, { fencing_token: token });
      }
    } catch (error) {
      // The lease expires on its own; a follower takes over within one lease.
      this.logger.warn(`could not release the leader lease: ${describeRedisError(error)}`);
    }
  }

  private get elected(): boolean {
    return this.config.haMode === 'leader_election';
  }

  private currentToken(): number | undefined {
    if (this.token === undefined) return undefined;
    if (this.elected && performance.now() >= this.deadline) return undefined;
    return this.token;
  }

  private runTick(): Promise<void> {
    this.ticking = true;
    this.inFlight = this.tick().finally(() => {
      this.ticking = false;
    });
    return this.inFlight;
  }

  private onReleased(message: BusMessage): void {
    if (message.origin === this.instanceId || this.stopped || this.ticking) return;
    if (this.token !== undefined) return;
    clearTimeout(this.tickTimer);
    void this.runTick();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    let nextMs: number;
    try {
      nextMs = this.token === undefined ? await this.tryAcquire() : await this.tryRenew();
      this.noteRedis(undefined);
    } catch (error) {
      this.noteRedis(error);
      // Keep trying, several times before a held lease runs out.
      nextMs = Math.max(1, Math.floor(this.renewMs / 3));
    }
    if (this.stopped) return;
    this.tickTimer = setTimeout(() => void this.runTick(), nextMs);
    this.tickTimer.unref();
  }

  private async tryAcquire(): Promise<number> {
    const sentAt = performance.now();
    const result = await this.lease!.acquire(this.instanceId, this.leaseMs);
    if (!result.acquired) {
      // A lease without expiry (-1) was not set by us: poll at the renewal pace.
      return result.retryInMs >= 0
        ? Math.min(this.renewMs, result.retryInMs + EXPIRY_SLACK_MS)
        : this.renewMs;
    }
    this.token = result.fencingToken;
    this.since = new Date();
    this.extendDeadline(sentAt);
    this.logger.log(`became leader (fencing token ${result.fencingToken})`);
    this.emit(this.gained, result.fencingToken);
    return this.renewMs;
  }

  private async tryRenew(): Promise<number> {
    const token = this.token!;
    const sentAt = performance.now();
    const left = this.deadline - sentAt;
    if (left <= 0) {
      this.stepDown('the lease could not be renewed before it expired');
      return 0;
    }
    const renewed = await this.lease!.renew(this.instanceId, token, this.leaseMs, left);
    // The deadline may have passed while the call was in flight: that step-down stands.
    if (this.token !== token) return 0;
    if (!renewed) {
      this.stepDown('the lease expired and was taken over');
      return 0;
    }
    this.extendDeadline(sentAt);
    return this.renewMs;
  }

  private extendDeadline(sentAt: number): void {
    this.deadline = sentAt + this.leaseMs * (1 - DRIFT_FACTOR);
    clearTimeout(this.deadlineTimer);
    const token = this.token;
    this.deadlineTimer = setTimeout(() => this.onDeadline(token), this.deadline - sentAt);
    this.deadlineTimer.unref();
  }

  private onDeadline(token: number | undefined): void {
    if (this.token !== token || performance.now() < this.deadline || token === undefined) return;
    this.stepDown('the lease could not be renewed before it expired');
    // Best effort: when only the renewal was slow, free the lease for a successor now.
    void this.lease?.release(this.instanceId, token).catch(() => undefined);
  }

  private stepDown(reason: string, level: 'log' | 'warn' = 'warn'): void {
    const token = this.token;
    if (token === undefined) return;
    this.token = undefined;
    this.since = undefined;
    this.deadline = 0;
    clearTimeout(this.deadlineTimer);
    this.logger[level](`lost leadership (fencing token ${token}): ${reason}`);
    this.emit(this.lost, token);
  }

  private emit(listeners: Set<(fencingToken: number) => void>, token: number): void {
    for (const listener of listeners) {
      try {
        listener(token);
      } catch (error) {
        this.logger.error(`leader election listener failed: ${String(error)}`);
      }
    }
  }

  // Logs each Redis outage once, not at every attempt.
  private noteRedis(error: unknown): void {
    if (error === undefined) {
      if (!this.redisHealthy) this.logger.log('leader election reaches Redis again');
      this.redisHealthy = true;
      return;
    }
    if (!this.redisHealthy) return;
    this.redisHealthy = false;
    this.logger.warn(`leader election cannot reach Redis: ${describeRedisError(error)}`);
  }
}
