import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CoordinationBus, LeaderElectionService, type BusMessage } from '@routeiq/coordination';
import { ConfigStore, RemoteConfigMirror, type RemoteConfigSyncOutcome } from '@routeiq/config';
import { RouterReloadService } from './router-reload.service';

/** Announced by the leader after it applied a new object: `{ etag }`. */
export const CONFIG_S3_CHANGED_TOPIC = 'config.s3.changed';

/** A failure that keeps repeating is logged again at most this often. */
const REPEAT_WARNING_MS = 5 * 60_000;

/**
 * Follows the config object in S3 (`CONFIG_S3_BUCKET`/`CONFIG_S3_KEY`, `CONFIG_HOT_RELOAD`).
 * The leader polls every `CONFIG_SYNC_INTERVAL` seconds with If-None-Match; a new object is
 * written over its config file and applied with a router reload. Every replica reads its own file,
 * so the leader then announces the ETag and each follower downloads the object and reloads
 * locally. An object the config store rejects is put back to the previous file, warned about once
 * and never announced.
 */
@Injectable()
export class ConfigS3SyncService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ConfigSync');
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private stopCatchUp?: () => void;
  private lastWarning?: { readonly text: string; readonly at: number };

  constructor(
    private readonly mirror: RemoteConfigMirror,
    private readonly leader: LeaderElectionService,
    private readonly bus: CoordinationBus,
    private readonly reloader: RouterReloadService,
    private readonly store: ConfigStore,
  ) {}

  onModuleInit(): void {
    if (!this.mirror.hotReload) return;
    this.timer = setInterval(() => void this.poll(), this.mirror.intervalMs);
    this.timer.unref();
    this.unsubscribe = this.bus.subscribe(CONFIG_S3_CHANGED_TOPIC, (message) =>
      this.onAnnouncement(message),
    );
    // An announcement sent while the bus was down was missed: ask the store as if it had come.
    this.stopCatchUp = this.bus.onReconnect(() => void this.follow('after a bus outage'));
    this.logger.log(
      `config follows ${this.mirror.location} (the leader polls every ${this.mirror.intervalMs / 1000} s)`,
    );
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
    this.stopCatchUp?.();
  }

  /**
   * One poll, on the leader only: resolves undefined on a follower, or when the store could not be
   * read (warned about, retried at the next interval).
   */
  poll(): Promise<RemoteConfigSyncOutcome | undefined> {
    return this.leader.runIfLeader(async () => {
      const outcome = await this.syncWith(() => this.applyHere(), 'polling');
      if (outcome?.kind === 'installed') await this.announce(outcome.etag);
      return outcome;
    });
  }

  private onAnnouncement(message: BusMessage): void {
    if (message.origin === this.bus.instanceId) return;
    if (message.payload.etag === this.mirror.currentEtag) return;
    void this.follow('announced by the leader');
  }

  private async follow(why: string): Promise<void> {
    await this.syncWith(() => this.applyHere(), `following (${why})`, why);
  }

  private async syncWith(
    apply: () => Promise<void>,
    what: string,
    why?: string,
  ): Promise<RemoteConfigSyncOutcome | undefined> {
    let outcome: RemoteConfigSyncOutcome;
    try {
      outcome = await this.mirror.sync(apply);
    } catch (error) {
      this.warnRateLimited(`${what} the config failed: ${messageOf(error)}`);
      return undefined;
    }
    this.lastWarning = undefined;
    if (outcome.kind === 'installed') {
      this.logger.log(
        `config ${this.mirror.location} ETag ${outcome.etag} applied (generation ${this.store.generation})${why ? ` ${why}` : ''}`,
      );
    } else if (outcome.kind === 'rejected') {
      this.logger.warn(
        `config ${this.mirror.location} ETag ${outcome.etag} rejected, the previous config is kept: ${outcome.reason}`,
      );
    }
    return outcome;
  }

  /**
   * Re-reads this replica's file, strategies and ML routers without announcing a router reload:
   * the leader announces the new ETag instead, so followers re-read only once they hold the new
   * file. Throws only if the config itself was not applied.
   */
  private async applyHere(): Promise<void> {
    const before = this.store.generation;
    let failedRouters = 0;
    try {
      const result = await this.reloader.reloadHere();
      failedRouters = result.ml_routers.filter((router) => router.outcome === 'failed').length;
    } catch (error) {
      if (this.store.generation === before) throw error;
      // The config is live; only a later step (strategies, ML routers) failed.
      this.logger.warn(`config applied, but the router reload did not finish: ${messageOf(error)}`);
    }
    if (failedRouters > 0) this.logger.warn(`${failedRouters} ML router(s) kept their old model`);
  }

  private async announce(etag: string): Promise<void> {
    try {
      await this.bus.publish(CONFIG_S3_CHANGED_TOPIC, { etag });
    } catch (error) {
      // Followers ask the store again when their bus reconnects.
      this.logger.warn(`config change not announced to other replicas: ${messageOf(error)}`);
    }
  }

  private warnRateLimited(text: string): void {
    const now = Date.now();
    const last = this.lastWarning;
    if (last && last.text === text && now - last.at < REPEAT_WARNING_MS) return;
    this.lastWarning = { text, at: now };
    this.logger.warn(text);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
