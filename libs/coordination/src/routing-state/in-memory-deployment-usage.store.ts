import { DeploymentUsageStore, NO_USAGE, type DeploymentUsage } from './deployment-usage.store';

const MINUTE_MS = 60_000;

/** The fixed window `now` falls in. */
export function epochMinute(now: number): number {
  return Math.floor(now / MINUTE_MS);
}

/**
 * Token counts are integers (HINCRBY); anything else (NaN, negative, fractions) would corrupt the
 * shared sums, so it is rounded or dropped.
 */
export function tokenCount(tokens: number): number {
  return Number.isFinite(tokens) && tokens > 0 ? Math.round(tokens) : 0;
}

interface MinuteUsage {
  minute: number;
  requests: number;
  tokens: number;
}

/** Single-node DeploymentUsageStore: one counter pair per deployment, reset as minutes pass. */
export class InMemoryDeploymentUsageStore extends DeploymentUsageStore {
  private readonly usage = new Map<string, MinuteUsage>();

  addRequest(deploymentId: string, now: number): void {
    const usage = this.minuteUsage(deploymentId, now);
    if (usage) usage.requests += 1;
  }

  addTokens(deploymentId: string, tokens: number, now: number): void {
    const count = tokenCount(tokens);
    if (count === 0) return;
    const usage = this.minuteUsage(deploymentId, now);
    if (usage) usage.tokens += count;
  }

  current(deploymentId: string, now: number): DeploymentUsage {
    const usage = this.usage.get(deploymentId);
    if (!usage || usage.minute !== epochMinute(now)) return NO_USAGE;
    return { requests: usage.requests, tokens: usage.tokens };
  }

  async sync(): Promise<void> {}

  /** The counters of `now`'s minute, reused across minutes; undefined for a past minute. */
  private minuteUsage(deploymentId: string, now: number): MinuteUsage | undefined {
    const minute = epochMinute(now);
    const usage = this.usage.get(deploymentId);
    if (!usage) {
      const created = { minute, requests: 0, tokens: 0 };
      this.usage.set(deploymentId, created);
      return created;
    }
    if (usage.minute === minute) return usage;
    // A late report of a minute already over counts nowhere.
    if (usage.minute > minute) return undefined;
    usage.minute = minute;
    usage.requests = 0;
    usage.tokens = 0;
    return usage;
  }
}
