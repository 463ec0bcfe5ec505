import type { LoadedRouter } from '../ml.types';
import { reasonOf } from './artifact.error';
import { manifestFingerprint } from './manifest-fingerprint';

/** One model path's load outcome, for a status view (`GET /router/info` and the like). */
export interface RouterArtifactStatus {
  /** The model path as configured, made absolute. */
  readonly path: string;
  /** `strategy_version` of the active router; undefined until a load succeeds. */
  readonly version: string | undefined;
  readonly sha256: string | undefined;
  /** ISO time the active router was loaded. */
  readonly loaded_at: string | undefined;
  /** Why the most recent load failed; cleared by the next success. Holds no file content. */
  readonly last_error: string | undefined;
  readonly last_error_at: string | undefined;
  readonly hot_reload: boolean;
  /** Poll interval in seconds while hot reload is on. */
  readonly reload_interval_seconds: number | undefined;
}

/** Where an entry reports its outcomes (the service's logger). */
export interface EntryLog {
  loaded(path: string, router: LoadedRouter): void;
  failed(path: string, reason: string, kept: LoadedRouter | undefined): void;
}

/**
 * The active router of one model path and its reload bookkeeping. Loads are serialised; a load
 * builds a whole new router and the swap is one assignment, so a request reads either the old
 * router or the new one. A failed load leaves `current` as it was.
 */
export class RouterArtifactEntry {
  current: LoadedRouter | undefined;
  private loadedAt: Date | undefined;
  private lastError: { reason: string; at: Date } | undefined;
  private fingerprint: string | undefined;
  private queue: Promise<void> = Promise.resolve();
  private checkQueued = false;

  constructor(
    readonly path: string,
    private readonly load: (path: string) => Promise<LoadedRouter>,
    private readonly log: EntryLog,
  ) {}

  /** Loads now, changed or not (first load, `POST /router/reload`). Never rejects. */
  reload(): Promise<void> {
    this.queue = this.queue.then(() => this.attempt());
    return this.queue;
  }

  /** Loads only when the manifest or a file it lists changed since the last attempt (polling). */
  check(): Promise<void> {
    if (this.checkQueued) return this.queue;
    this.checkQueued = true;
    this.queue = this.queue.then(async () => {
      this.checkQueued = false;
      if ((await manifestFingerprint(this.path)) !== this.fingerprint) await this.attempt();
    });
    return this.queue;
  }

  status(hotReload: boolean, intervalSeconds: number | undefined): RouterArtifactStatus {
    return {
      path: this.path,
      version: this.current?.version,
      sha256: this.current?.sha256,
      loaded_at: this.loadedAt?.toISOString(),
      last_error: this.lastError?.reason,
      last_error_at: this.lastError?.at.toISOString(),
      hot_reload: hotReload,
      reload_interval_seconds: hotReload ? intervalSeconds : undefined,
    };
  }

  private async attempt(): Promise<void> {
    // Taken before loading: a change made during the load is seen by the next check.
    this.fingerprint = await manifestFingerprint(this.path);
    try {
      const router = await this.load(this.path);
      this.current = router;
      this.loadedAt = new Date();
      this.lastError = undefined;
      this.log.loaded(this.path, router);
    } catch (error) {
      const reason = reasonOf(error);
      this.lastError = { reason, at: new Date() };
      this.log.failed(this.path, reason, this.current);
    }
  }
}
