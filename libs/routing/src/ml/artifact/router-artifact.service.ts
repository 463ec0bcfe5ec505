import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { resolve } from 'node:path';
import type { LoadedRouter } from '../ml.types';
import { artifactTrustOf } from './artifact-trust';
import { MlArtifactConfig } from './ml-artifact.config';
import {
  RouterArtifactEntry,
  type EntryLog,
  type RouterArtifactStatus,
} from './router-artifact.entry';
import { loadRouter } from './router-artifact.loader';

export type { RouterArtifactStatus } from './router-artifact.entry';

/** How a strategy wants its model path kept fresh (`hot_reload`, `reload_interval`). */
export interface AcquireOptions {
  readonly hotReload?: boolean;
  /** Poll interval in seconds while `hotReload`; default 60. */
  readonly reloadIntervalSeconds?: number;
}

/** A strategy's hold on one model path's active router. */
export interface RouterHandle {
  readonly path: string;
  /** The active router, read synchronously per request; undefined until a load succeeds. */
  readonly current: LoadedRouter | undefined;
  /** Settles (never rejects) once the first load attempt of this path has finished. */
  readonly ready: Promise<void>;
  /** Drops the hold; the path stops being polled and is forgotten when nobody holds it. */
  release(): void;
}

export const DEFAULT_RELOAD_INTERVAL_SECONDS = 60;
const MAX_RELOAD_INTERVAL_SECONDS = 86_400;

interface Holder {
  readonly hotReload: boolean;
  readonly intervalSeconds: number;
}

interface Tracked {
  readonly entry: RouterArtifactEntry;
  readonly ready: Promise<void>;
  readonly holders: Set<Holder>;
  timer?: NodeJS.Timeout;
  timerSeconds?: number;
}

/**
 * Holds the active router of every model path in use and keeps it fresh: a first load on
 * `acquire`, polling of the manifest and its files when `hot_reload` is on (fs.watch misses
 * atomic renames on some file systems), and `reloadAll()` for `POST /router/reload`. A failed load
 * logs a warning and keeps the previous router.
 */
@Injectable()
export class RouterArtifactService implements OnModuleDestroy {
  private readonly logger = new Logger('RouterArtifacts');
  private readonly tracked = new Map<string, Tracked>();
  private readonly log: EntryLog = {
    loaded: (path, router) =>
      this.logger.log(`router artifact ${path}: loaded version ${router.version}`),
    failed: (path, reason, kept) =>
      this.logger.warn(
        `router artifact ${path} not loaded: ${reason}; ` +
          (kept ? `keeping version ${kept.version}` : 'no router active yet'),
      ),
  };

  constructor(private readonly config: MlArtifactConfig) {}

  /**
   * Starts serving `modelPath` (manifest.json or its directory): loads it in the background and
   * polls it while any holder asked for hot reload (at the shortest interval asked).
   * @throws RangeError for a reload interval outside 1..86400 seconds.
   */
  acquire(modelPath: string, options: AcquireOptions = {}): RouterHandle {
    const holder = holderOf(options);
    const path = resolve(modelPath);
    let tracked = this.tracked.get(path);
    if (!tracked) {
      const entry = new RouterArtifactEntry(path, (p) => this.loadWithTrust(p), this.log);
      tracked = { entry, ready: entry.reload(), holders: new Set() };
      this.tracked.set(path, tracked);
    }
    tracked.holders.add(holder);
    this.schedule(tracked);
    return this.handleOf(path, tracked, holder);
  }

  /** Reloads every path now, changed or not; resolves with the outcomes. Never rejects. */
  async reloadAll(): Promise<RouterArtifactStatus[]> {
    await Promise.all([...this.tracked.values()].map((tracked) => tracked.entry.reload()));
    return this.statuses();
  }

  /** Checks every path for changes and reloads the changed ones (what the poll timers run). */
  async checkAll(): Promise<void> {
    await Promise.all([...this.tracked.values()].map((tracked) => tracked.entry.check()));
  }

  /** Load outcome of every path in use. */
  statuses(): RouterArtifactStatus[] {
    return [...this.tracked.values()].map(({ entry, timerSeconds }) =>
      entry.status(timerSeconds !== undefined, timerSeconds),
    );
  }

  onModuleDestroy(): void {
    for (const tracked of this.tracked.values()) {
      if (tracked.timer) clearInterval(tracked.timer);
    }
    this.tracked.clear();
  }

  private loadWithTrust(path: string): Promise<LoadedRouter> {
    // Trust is read per load so a rotated LLMROUTER_MODEL_PUBLIC_KEY_PATH file takes effect.
    return loadRouter(path, artifactTrustOf(this.config));
  }

  private handleOf(path: string, tracked: Tracked, holder: Holder): RouterHandle {
    const { entry, ready } = tracked;
    let released = false;
    return {
      path,
      get current() {
        return entry.current;
      },
      ready,
      release: () => {
        if (released) return;
        released = true;
        tracked.holders.delete(holder);
        this.schedule(tracked);
        if (tracked.holders.size === 0 && this.tracked.get(path) === tracked) {
          this.tracked.delete(path);
        }
      },
    };
  }

  /** One timer per path, at the shortest interval of the holders that want hot reload. */
  private schedule(tracked: Tracked): void {
    const intervals = [...tracked.holders].filter((h) => h.hotReload).map((h) => h.intervalSeconds);
    const seconds = intervals.length > 0 ? Math.min(...intervals) : undefined;
    if (seconds === tracked.timerSeconds) return;
    if (tracked.timer) clearInterval(tracked.timer);
    tracked.timer = undefined;
    tracked.timerSeconds = seconds;
    if (seconds === undefined) return;
    tracked.timer = setInterval(() => void tracked.entry.check(), seconds * 1000);
    tracked.timer.unref();
  }
}

function holderOf(options: AcquireOptions): Holder {
  const seconds = options.reloadIntervalSeconds ?? DEFAULT_RELOAD_INTERVAL_SECONDS;
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > MAX_RELOAD_INTERVAL_SECONDS) {
    throw new RangeError(`reload_interval must be 1 to ${MAX_RELOAD_INTERVAL_SECONDS} seconds`);
  }
  return { hotReload: options.hotReload === true, intervalSeconds: seconds };
}
