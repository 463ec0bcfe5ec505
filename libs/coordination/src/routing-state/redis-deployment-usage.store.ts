import { Logger } from '@nestjs/common';
import type { ChainableCommander } from 'ioredis';
import type { CoordinationKeys } from '../coordination-keys';
import { describeRedisError, type RedisConnections } from '../redis-connections';
import { DeploymentUsageStore, NO_USAGE, type DeploymentUsage } from './deployment-usage.store';
import { epochMinute, tokenCount } from './in-memory-deployment-usage.store';
import { bounded } from './redis-call';

/** Per-minute hashes outlive their minute long enough for late pushes and slow readers. */
const USAGE_KEY_TTL_MS = 120_000;
const REQUESTS = 'requests:';
const TOKENS = 'tokens:';

export interface RedisDeploymentUsageOptions {
  /** How often deltas are pushed and totals pulled (default 100 ms). */
  readonly syncIntervalMs?: number;
  /** A deployment neither counted nor read for this long is no longer polled (default 2 min). */
  readonly idleAfterMs?: number;
  /** A sync slower than this counts as failed; its deltas are pushed again (default 1 s). */
  readonly timeoutMs?: number;
}

interface UsageEntry {
  readonly requestsField: string;
  readonly tokensField: string;
  minute: number;
  /** Totals of `minute` across replicas, as of the last sync (this replica's pushes included). */
  requests: number;
  tokens: number;
  /** This replica's counts of `minute` not yet acknowledged by Redis. */
  pendingRequests: number;
  pendingTokens: number;
  /** The sync round of the last add or read, for idle eviction. */
  seenRound: number;
}

/** What one sync pushes for an entry, and where its replies sit in the pipeline's results. */
interface SyncItem {
  readonly entry: UsageEntry;
  readonly minute: number;
  readonly requests: number;
  readonly tokens: number;
  readonly requestsAt: number;
  readonly tokensAt: number;
}

/** One sync: the pushes, and the minute whose totals it reads (reply at `totalsAt`). */
interface SyncPlan {
  readonly items: readonly SyncItem[];
  readonly minute: number;
  readonly totalsAt: number;
}

type PipelineResults = Array<[Error | null, unknown]>;

/**
 * DeploymentUsageStore across replicas: counts go to a local delta (no I/O on the request path)
 * and an unref'd timer pushes them (HINCRBY on the minute's hash, `CoordinationKeys.
 * deploymentUsage`) and pulls the whole hash of the newest minute in one pipeline, so deployments
 * only other replicas used are known before this one first routes to them. The timer runs while
 * some deployment was counted or read within `idleAfterMs`. Sync errors are logged once per
 * outage and never thrown; unacknowledged deltas are kept and pushed again (a sync that timed out
 * but was applied after all counts twice).
 */
export class RedisDeploymentUsageStore extends DeploymentUsageStore {
  private readonly logger = new Logger(RedisDeploymentUsageStore.name);
  private readonly entries = new Map<string, UsageEntry>();
  private readonly syncIntervalMs: number;
  private readonly idleRounds: number;
  private readonly timeoutMs: number;
  private timer: NodeJS.Timeout | undefined;
  private round = 0;
  /** The round of the last local count or read: deployments learnt from others idle with it. */
  private activeRound = 0;
  /** The newest minute any caller counted or read in: the one each sync reads. */
  private latestMinute = -1;
  private inFlight = 0;
  private queue: Promise<void> = Promise.resolve();
  private healthy = true;
  private closed = false;

  constructor(
    private readonly connections: RedisConnections,
    private readonly keys: CoordinationKeys,
    options: RedisDeploymentUsageOptions = {},
  ) {
    super();
    this.syncIntervalMs = options.syncIntervalMs ?? 100;
    this.idleRounds = Math.ceil((options.idleAfterMs ?? 120_000) / this.syncIntervalMs);
    this.timeoutMs = options.timeoutMs ?? 1000;
  }

  /** True while the sync timer runs. */
  get syncing(): boolean {
    return this.timer !== undefined;
  }

  addRequest(deploymentId: string, now: number): void {
    const entry = this.entryOf(deploymentId, now);
    if (entry) entry.pendingRequests += 1;
  }

  addTokens(deploymentId: string, tokens: number, now: number): void {
    const count = tokenCount(tokens);
    if (count === 0) return;
    const entry = this.entryOf(deploymentId, now);
    if (entry) entry.pendingTokens += count;
  }

  current(deploymentId: string, now: number): DeploymentUsage {
    // Reading registers the deployment, so other replicas' counts of it are pulled from now on.
    const entry = this.entryOf(deploymentId, now);
    if (!entry) return NO_USAGE;
    return {
      requests: entry.requests + entry.pendingRequests,
      tokens: entry.tokens + entry.pendingTokens,
    };
  }

  /** Runs after any sync in flight; resolves (never rejects) once this one is done. */
  sync(): Promise<void> {
    this.inFlight += 1;
    this.queue = this.queue
      .then(() => this.syncOnce())
      // A rejected queue would skip every later sync.
      .catch((error: unknown) => this.failed(describeRedisError(error)))
      .finally(() => {
        this.inFlight -= 1;
      });
    return this.queue;
  }

  /** Stops the timer and pushes what is pending (before the Redis connections close). */
  async close(): Promise<void> {
    this.closed = true;
    this.stopTimer();
    await this.sync();
  }

  private entryOf(deploymentId: string, now: number): UsageEntry | undefined {
    const minute = epochMinute(now);
    if (minute > this.latestMinute) this.latestMinute = minute;
    let entry = this.entries.get(deploymentId);
    if (!entry) {
      entry = newEntry(deploymentId, minute, this.round);
      this.entries.set(deploymentId, entry);
    } else if (entry.minute > minute) {
      return undefined; // a late report of a minute already over counts nowhere
    } else if (entry.minute < minute) {
      moveTo(entry, minute);
    }
    entry.seenRound = this.round;
    this.activeRound = this.round;
    if (this.timer === undefined && !this.closed) this.startTimer();
    return entry;
  }

  private startTimer(): void {
    this.timer = setInterval(() => {
      if (this.inFlight === 0) void this.sync();
    }, this.syncIntervalMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async syncOnce(): Promise<void> {
    this.round += 1;
    for (const [deploymentId, entry] of this.entries) {
      if (this.round - entry.seenRound > this.idleRounds) this.entries.delete(deploymentId);
    }
    if (this.entries.size === 0) {
      this.stopTimer();
      return;
    }
    const { command } = this.connections;
    if (command.status !== 'ready') {
      this.failed(`not connected (${command.status})`);
      return;
    }
    const pipeline = command.pipeline();
    const plan = this.queueCommands(pipeline);
    try {
      const results = await bounded(pipeline.exec(), 'sync deployment usage', this.timeoutMs);
      this.apply(plan, results ?? []);
    } catch (error) {
      this.failed(describeRedisError(error));
    }
  }

  /** Pushes every pending delta, then reads the newest minute's totals, in one round trip. */
  private queueCommands(pipeline: ChainableCommander): SyncPlan {
    const items: SyncItem[] = [];
    const pushedKeys = new Set<string>();
    let index = 0;
    for (const entry of this.entries.values()) {
      const key = this.keys.deploymentUsage(entry.minute);
      const { pendingRequests: requests, pendingTokens: tokens } = entry;
      const requestsAt = requests > 0 ? index++ : -1;
      if (requests > 0) pipeline.hincrby(key, entry.requestsField, requests);
      const tokensAt = tokens > 0 ? index++ : -1;
      if (tokens > 0) pipeline.hincrby(key, entry.tokensField, tokens);
      if (requests > 0 || tokens > 0) pushedKeys.add(key);
      items.push({ entry, minute: entry.minute, requests, tokens, requestsAt, tokensAt });
    }
    const minute = this.latestMinute;
    pipeline.hgetall(this.keys.deploymentUsage(minute));
    const totalsAt = index++;
    for (const key of pushedKeys) pipeline.pexpire(key, USAGE_KEY_TTL_MS);
    return { items, minute, totalsAt };
  }

  private apply(plan: SyncPlan, results: PipelineResults): void {
    let error: Error | undefined;
    const ok = (at: number): boolean => {
      const reply = results[at];
      const failure = reply ? reply[0] : new Error('no reply from Redis');
      if (failure) error ??= failure;
      return !failure;
    };
    for (const item of plan.items) {
      const { entry } = item;
      // A minute that rolled over while the sync was in flight was reset: nothing to apply.
      const current = entry.minute === item.minute;
      if (item.requestsAt >= 0 && ok(item.requestsAt) && current)
        entry.pendingRequests -= item.requests;
      if (item.tokensAt >= 0 && ok(item.tokensAt) && current) entry.pendingTokens -= item.tokens;
    }
    const totals = results[plan.totalsAt]?.[1];
    if (ok(plan.totalsAt) && typeof totals === 'object' && totals !== null) {
      this.applyTotals(plan.minute, totals as Record<string, string>);
    }
    if (error) this.failed(describeRedisError(error));
    else this.succeeded();
  }

  /**
   * The shared totals of `minute` for every deployment: those only other replicas counted are
   * added (idling with this replica's own use), those not read since an earlier minute move on.
   */
  private applyTotals(minute: number, totals: Readonly<Record<string, string>>): void {
    for (const field of Object.keys(totals)) {
      const id = field.startsWith(REQUESTS) ? field.slice(REQUESTS.length) : undefined;
      if (id !== undefined && !this.entries.has(id)) {
        this.entries.set(id, newEntry(id, minute, this.activeRound));
      }
    }
    for (const entry of this.entries.values()) {
      if (entry.minute > minute) continue; // moved on while the sync was in flight
      if (entry.minute < minute) moveTo(entry, minute);
      entry.requests = Number(totals[entry.requestsField] ?? 0);
      entry.tokens = Number(totals[entry.tokensField] ?? 0);
    }
  }

  private failed(reason: string): void {
    if (!this.healthy) return;
    this.healthy = false;
    this.logger.warn(`deployment usage sync failing, counts kept locally and retried: ${reason}`);
  }

  private succeeded(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.logger.log('deployment usage sync restored');
  }
}

function newEntry(deploymentId: string, minute: number, seenRound: number): UsageEntry {
  return {
    requestsField: `${REQUESTS}${deploymentId}`,
    tokensField: `${TOKENS}${deploymentId}`,
    minute,
    requests: 0,
    tokens: 0,
    pendingRequests: 0,
    pendingTokens: 0,
    seenRound,
  };
}

/** A new minute starts at 0; the past minute's unpushed counts go too (nobody reads it). */
function moveTo(entry: UsageEntry, minute: number): void {
  entry.minute = minute;
  entry.requests = 0;
  entry.tokens = 0;
  entry.pendingRequests = 0;
  entry.pendingTokens = 0;
}
