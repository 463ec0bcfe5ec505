import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LeaderElectionService } from '@routeiq/coordination';
import { TeamStore, VirtualKeyStore } from '@routeiq/persistence';
import { currentBudgetPeriod } from './budget-period';
import { KeyCacheService } from './key-cache.service';

const INTERVAL_MS = 60_000;
const BATCH = 500;

/**
 * Rolls budget periods in the database: spend back to 0 and the next reset instant, for keys and
 * teams whose period ended. Enforcement does not wait for it (quota windows follow the period on
 * their own); this keeps `/key/info` and `/team/info` true. The schedule runs on the leader only
 * (every replica in `single` HA mode); the writes are compare-and-set, so a stale leader's pass
 * changes nothing a newer one already did.
 */
@Injectable()
export class BudgetResetJob implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Budget');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly keys: VirtualKeyStore,
    private readonly teams: TeamStore,
    private readonly cache: KeyCacheService,
    private readonly leader: LeaderElectionService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.leader.runIfLeader(() => this.run()), INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One pass; returns how many keys and teams were reset. */
  async run(now = new Date()): Promise<{ keys: number; teams: number }> {
    if (this.running) return { keys: 0, teams: 0 };
    this.running = true;
    try {
      const tokens: string[] = [];
      for (const key of await this.keys.dueForBudgetReset(now, BATCH)) {
        const next = this.nextReset(key.budgetDuration, key.budgetResetAt, now);
        if (
          next &&
          key.budgetResetAt &&
          (await this.keys.resetBudget(key.token, key.budgetResetAt, next))
        ) {
          tokens.push(key.token);
        }
      }
      const teamIds: string[] = [];
      for (const team of await this.teams.dueForBudgetReset(now, BATCH)) {
        const next = this.nextReset(team.budgetDuration, team.budgetResetAt, now);
        if (
          next &&
          team.budgetResetAt &&
          (await this.teams.resetBudget(team.teamId, team.budgetResetAt, next))
        ) {
          teamIds.push(team.teamId);
        }
      }
      if (tokens.length + teamIds.length > 0) await this.cache.publishChange({ tokens, teamIds });
      return { keys: tokens.length, teams: teamIds.length };
    } catch (error) {
      this.logger.error(`budget reset failed: ${(error as Error).message}`);
      return { keys: 0, teams: 0 };
    } finally {
      this.running = false;
    }
  }

  private nextReset(duration: string | null, resetAt: Date | null, now: Date): Date | undefined {
    const period = currentBudgetPeriod(duration, resetAt, now.getTime());
    return period ? new Date(period.endMs) : undefined;
  }
}
