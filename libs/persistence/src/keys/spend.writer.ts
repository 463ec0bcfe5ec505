import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { describeDatabaseError } from '../database-error';
import { SpendStore } from './spend.store';

const FLUSH_INTERVAL_MS = 1000;

export interface SpendEntry {
  readonly keyToken?: string;
  readonly teamId?: string;
  readonly userId?: string;
  readonly amount: number;
}

/**
 * Write-behind spend: `add` sums amounts per key/team/user in memory (O(1), never awaits); a timer
 * writes the sums once a second. A failed flush puts its sums back for the next one.
 */
@Injectable()
export class SpendWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Spend');
  private keys = new Map<string, number>();
  private teams = new Map<string, number>();
  private users = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private inFlight: Promise<void> | null = null;

  constructor(private readonly store: SpendStore) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  add(entry: SpendEntry): void {
    if (!(entry.amount > 0)) return;
    if (entry.keyToken) addTo(this.keys, entry.keyToken, entry.amount);
    if (entry.teamId) addTo(this.teams, entry.teamId, entry.amount);
    if (entry.userId) addTo(this.users, entry.userId, entry.amount);
  }

  /** Writes what is pending. Never rejects. */
  flush(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.keys.size + this.teams.size + this.users.size === 0) return Promise.resolve();
    const deltas = { keys: this.keys, teams: this.teams, users: this.users };
    this.keys = new Map();
    this.teams = new Map();
    this.users = new Map();
    this.inFlight = this.store
      .add(deltas)
      .catch((error: unknown) => {
        for (const [k, v] of deltas.keys) addTo(this.keys, k, v);
        for (const [k, v] of deltas.teams) addTo(this.teams, k, v);
        for (const [k, v] of deltas.users) addTo(this.users, k, v);
        this.logger.error(`spend flush failed, will retry: ${describeDatabaseError(error)}`);
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
    await this.flush();
  }
}

function addTo(map: Map<string, number>, id: string, amount: number): void {
  map.set(id, (map.get(id) ?? 0) + amount);
}
