import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CoordinationBus, type BusMessage } from '@routeiq/coordination';
import { TeamStore, VirtualKeyStore } from '@routeiq/persistence';
import { KEYS_CHANGED_TOPIC, type KeysChangedPayload, type ResolvedKey } from './resolved-key';
import { virtualKeyId } from './virtual-key';

/**
 * Entries live this long even without an invalidation: the safety net for a bus message lost
 * while Redis was away. Invalidation over the bus is what makes revocation take effect at once.
 */
const POSITIVE_TTL_MS = 60_000;
/** Unknown keys are remembered briefly, so a client retrying a bad key does not hit the database. */
const NEGATIVE_TTL_MS = 5_000;
const MAX_ENTRIES = 50_000;

type Entry = ResolvedKey | { readonly missing: true; readonly loadedAt: number };

/**
 * Virtual keys served from memory on the request path. A miss loads the key and its team from the
 * database once (concurrent misses share the load); changes published on the coordination bus
 * evict the entries on every replica.
 */
@Injectable()
export class KeyCacheService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('KeyCache');
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<ResolvedKey | null>>();
  private unsubscribe?: () => void;
  private stopCatchUp?: () => void;

  constructor(
    private readonly keys: VirtualKeyStore,
    private readonly teams: TeamStore,
    private readonly bus: CoordinationBus,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(KEYS_CHANGED_TOPIC, (message) => this.onChange(message));
    // Keys may have been revoked while the bus was down: forget everything, reload on demand.
    this.stopCatchUp = this.bus.onReconnect(() => this.flush());
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.stopCatchUp?.();
  }

  /**
   * The key with this token (the SHA-256 hex of the presented key): synchronous on a hit, a
   * promise on a miss.
   */
  resolve(token: string): ResolvedKey | null | Promise<ResolvedKey | null> {
    const entry = this.entries.get(token);
    if (
      entry &&
      Date.now() - entry.loadedAt < ('missing' in entry ? NEGATIVE_TTL_MS : POSITIVE_TTL_MS)
    ) {
      return 'missing' in entry ? null : entry;
    }
    return this.load(token);
  }

  /** Publishes a change so every replica (this one included) drops its cached copies. */
  async publishChange(change: KeysChangedPayload): Promise<void> {
    this.evict(change);
    try {
      await this.bus.publish(KEYS_CHANGED_TOPIC, change);
    } catch (error) {
      // Other replicas fall back on the entry TTL; the change itself is already in the database.
      this.logger.error(`could not publish a key change: ${(error as Error).message}`);
    }
  }

  private load(token: string): Promise<ResolvedKey | null> {
    let pending = this.loading.get(token);
    if (!pending) {
      pending = this.fetch(token).finally(() => this.loading.delete(token));
      this.loading.set(token, pending);
    }
    return pending;
  }

  private async fetch(token: string): Promise<ResolvedKey | null> {
    const loadedAt = Date.now();
    const key = await this.keys.findByToken(token);
    const team = key?.teamId ? await this.teams.find(key.teamId) : null;
    const resolved: ResolvedKey | null = key
      ? { key, team, keyId: virtualKeyId(token), loadedAt }
      : null;
    // An invalidation that arrived while loading wins: do not cache what may be stale.
    if (!this.loading.has(token)) return resolved;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(token, resolved ?? { missing: true, loadedAt });
    return resolved;
  }

  /** Drops every entry; a load in flight is not cached either. */
  flush(): void {
    this.entries.clear();
    this.loading.clear();
  }

  private onChange(message: BusMessage): void {
    this.evict(message.payload);
  }

  private evict(change: KeysChangedPayload): void {
    for (const token of change.tokens ?? []) {
      this.entries.delete(token);
      this.loading.delete(token);
    }
    const teams = new Set(change.teamIds ?? []);
    if (teams.size === 0) return;
    for (const [token, entry] of this.entries) {
      if (!('missing' in entry) && entry.key.teamId !== null && teams.has(entry.key.teamId)) {
        this.entries.delete(token);
      }
    }
    for (const token of this.loading.keys()) this.loading.delete(token);
  }
}
