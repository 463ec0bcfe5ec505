import {
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { GatewayException } from '@routeiq/common';
import { ExpiringStore, LeaderElectionService } from '@routeiq/coordination';
import { AuditService, SYSTEM_ACTOR } from '@routeiq/security';
import { randomUUID } from 'node:crypto';
import { A2aConfig } from '../a2a.config';
import { A2aAgentDirectory } from '../registry/a2a-agent.directory';

/** The lock namespace: one entry per agent, held by the replica refreshing it this period. */
export const A2A_CARD_REFRESH_LOCK = 'a2a-card-refresh';

/**
 * Refreshes one agent's card the way `PUT /a2a/agents/{id}` with `refresh_card: true` does:
 * fetched again with the agent's credential, and saved (every replica told) only when it changed.
 */
export abstract class A2aCardRefresher {
  /**
   * @returns the names of the agent's fields that changed; empty when nothing did (nothing saved).
   * @throws when the card cannot be fetched or is not valid: the stored card stays as it is.
   */
  abstract refreshCard(agentId: string, signal: AbortSignal): Promise<readonly string[]>;
}

/**
 * Re-fetches the card of every enabled agent that has a card URL, every `A2A_CARD_REFRESH_SECONDS`
 * (0: never), on the leader only (`LLMROUTER_HA_MODE=leader_election`). Each agent is also
 * refreshed by one replica per period: the first to take its lock in the expiring store (Redis
 * `SET NX` when configured), which covers replicas in `single` HA mode. Changes are audited as the
 * system's.
 */
@Injectable()
export class A2aCardRefreshJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('A2aCardRefresh');
  private readonly holder = randomUUID();
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly config: A2aConfig,
    private readonly directory: A2aAgentDirectory,
    private readonly locks: ExpiringStore,
    private readonly refresher: A2aCardRefresher,
    private readonly audit: AuditService,
    // Optional only so the job can be built without the coordination module (its specs).
    @Optional() private readonly leader?: LeaderElectionService,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.cardRefreshSeconds;
    if (!this.config.enabled || seconds === 0) return;
    this.timer = setInterval(() => void this.run(), seconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
  }

  /** One pass over the agents (skipped while one is running); returns the ids it changed. */
  async run(): Promise<string[]> {
    if (this.running) return [];
    this.running = true;
    try {
      const pass = () => this.refreshAll();
      return (await (this.leader ? this.leader.runIfLeader(pass) : pass())) ?? [];
    } finally {
      this.running = false;
    }
  }

  private async refreshAll(): Promise<string[]> {
    const changed: string[] = [];
    for (const agent of this.directory.list()) {
      // A leader that lost its lease mid-pass stops: the new leader takes over.
      if (this.stopping.signal.aborted || this.leader?.isLeader() === false) break;
      if (!agent.enabled || !agent.cardUrl) continue;
      if (await this.refreshOne(agent.agentId)) changed.push(agent.agentId);
    }
    return changed;
  }

  private async refreshOne(agentId: string): Promise<boolean> {
    let fields: readonly string[];
    try {
      const ttl = lockSeconds(this.config.cardRefreshSeconds);
      if (!(await this.locks.claim(A2A_CARD_REFRESH_LOCK, agentId, this.holder, ttl))) {
        return false;
      }
      fields = await this.refresher.refreshCard(agentId, this.stopping.signal);
    } catch (error) {
      if (!this.stopping.signal.aborted) {
        this.warn(agentId, 'card refresh failed, the stored card is kept', error);
      }
      return false;
    }
    if (fields.length === 0) return false;
    await this.recordChange(agentId, fields);
    return true;
  }

  private async recordChange(agentId: string, fields: readonly string[]): Promise<void> {
    try {
      // Fail-closed audit writes the row now; the change itself is already saved.
      await this.audit.recordControlPlane({
        action: 'a2a.agent.update',
        actor: SYSTEM_ACTOR,
        resourceType: 'a2a_agent',
        resourceId: agentId,
        // Field names only, as for an update through the API.
        metadata: { changed: [...fields].sort(), trigger: 'card_refresh' },
      });
    } catch (error) {
      this.warn(agentId, 'card refreshed, but its audit record was not written', error);
    }
  }

  private warn(agentId: string, what: string, error: unknown): void {
    this.logger.warn(`A2A agent ${JSON.stringify(agentId)}: ${what} (${describe(error)})`);
  }
}

/**
 * A little under the period, so the replica that refreshed an agent can take its lock again on
 * its next pass, even when reaching that agent took it a few seconds longer this time.
 */
function lockSeconds(periodSeconds: number): number {
  return Math.max(1, periodSeconds - Math.min(60, Math.floor(periodSeconds / 10)));
}

// Gateway errors name a host at most; other errors (a database driver's) may quote values.
function describe(error: unknown): string {
  if (error instanceof GatewayException) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.name : 'unknown error';
}
