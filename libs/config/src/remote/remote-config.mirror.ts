import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { readFile, rm } from 'node:fs/promises';
import { ServerConfig } from '../server.config';
import { writeFileAtomically } from './atomic-file.writer';
import { ConfigSourceStatus, type ConfigSourceView } from './config-source.status';
import { RemoteConfigError } from './remote-config.error';
import { startupDownloadOf } from './remote-config.startup';
import { S3ConfigSourceConfig } from './s3-config.config';
import { S3ConfigSource } from './s3-config.source';

/** What one `RemoteConfigMirror.sync` did. ETags are as S3 sends them (quoted). */
export type RemoteConfigSyncOutcome =
  /** 304, or an ETag this replica already runs or already rejected. */
  | { readonly kind: 'unchanged' }
  /** A new ETag with the same bytes as the local file: recorded, nothing applied. */
  | { readonly kind: 'adopted'; readonly etag: string }
  /** Written and applied. */
  | { readonly kind: 'installed'; readonly etag: string }
  /** Applying failed: the previous file is back and the old config keeps running. */
  | { readonly kind: 'rejected'; readonly etag: string; readonly reason: string };

/**
 * This replica's copy of the S3 config object: it knows the ETag of the file it runs, downloads
 * the object only when that changed, and installs a new one over the config file. Installing is
 * all or nothing: when `apply` throws, the previous file is restored and the ETag is remembered as
 * rejected, so it is neither downloaded nor reported again. Calls are serialised.
 */
@Injectable()
export class RemoteConfigMirror extends ConfigSourceStatus implements OnModuleDestroy {
  private readonly logger = new Logger('ConfigSync');
  private readonly source?: S3ConfigSource;
  private etag?: string;
  private rejectedEtag?: string;
  private rejection: string | null = null;
  private lastSyncAt: Date | null = null;
  private lastError: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: S3ConfigSourceConfig,
    private readonly server: ServerConfig,
  ) {
    super();
    if (!config.enabled) return;
    this.source = new S3ConfigSource(config);
    const download = startupDownloadOf(server.configPath);
    this.etag = download?.etag;
    this.lastSyncAt = download?.at ?? null;
  }

  /** Whether the config comes from S3. */
  get enabled(): boolean {
    return this.source !== undefined;
  }

  /** Whether changes are followed after start-up (`CONFIG_HOT_RELOAD`). */
  get hotReload(): boolean {
    return this.enabled && this.config.hotReload;
  }

  get intervalMs(): number {
    return this.config.syncIntervalSeconds * 1000;
  }

  /** `s3://bucket/key`. */
  get location(): string {
    return this.source?.location ?? this.server.configPath;
  }

  /** The ETag of the object this replica runs (quoted), when known. */
  get currentEtag(): string | undefined {
    return this.etag;
  }

  /**
   * Downloads the object when its ETag changed and installs it: writes the config file, then
   * runs `apply`, which must throw when the new config was not applied.
   * @throws RemoteConfigError when the object cannot be downloaded or the file written.
   */
  sync(apply: () => Promise<void>): Promise<RemoteConfigSyncOutcome> {
    const result = this.queue.then(() => this.syncOnce(apply));
    this.queue = result.catch(() => undefined);
    return result;
  }

  view(): ConfigSourceView {
    const path = this.server.configPath;
    if (!this.enabled) return { source: 'file', path };
    return {
      source: 's3',
      path,
      bucket: this.config.bucket ?? '',
      key: this.config.key ?? '',
      hotReload: this.config.hotReload,
      etag: this.etag === undefined ? null : unquote(this.etag),
      lastSyncAt: this.lastSyncAt,
      lastError: this.lastError,
    };
  }

  async onModuleDestroy(): Promise<void> {
    await this.source?.destroy();
  }

  private async syncOnce(apply: () => Promise<void>): Promise<RemoteConfigSyncOutcome> {
    if (!this.source) throw new Error('the config does not come from S3');
    const fetched = await this.recordingErrors(() =>
      this.source!.fetch(this.rejectedEtag ?? this.etag),
    );
    if (!fetched.changed) return this.unchanged();
    const { etag, body } = fetched.object;
    // A store that ignores If-None-Match answers 200 each time: known ETags change nothing.
    if (etag === this.rejectedEtag) return this.unchanged();
    // Back to the object this replica runs (a bad one was replaced by the good one again).
    if (etag === this.etag) return this.accept(etag, 'unchanged');
    const path = this.server.configPath;
    const previous = await readFile(path).catch(() => undefined);
    if (previous?.equals(body)) return this.accept(etag, 'adopted');
    await this.recordingErrors(() => writeFileAtomically(path, body));
    try {
      await apply();
    } catch (error) {
      await this.restore(path, previous);
      const reason = firstLine(error);
      this.rejectedEtag = etag;
      this.rejection = `${this.location} ETag ${unquote(etag)} rejected, the previous config is kept: ${reason}`;
      this.lastError = this.rejection;
      return { kind: 'rejected', etag, reason };
    }
    return this.accept(etag, 'installed');
  }

  private unchanged(): RemoteConfigSyncOutcome {
    // The store answered: a download error is over; a rejection stays until a good object.
    this.lastError = this.rejection;
    this.lastSyncAt = new Date();
    return { kind: 'unchanged' };
  }

  private accept(
    etag: string,
    kind: 'unchanged' | 'adopted' | 'installed',
  ): RemoteConfigSyncOutcome {
    this.etag = etag;
    this.rejectedEtag = undefined;
    this.rejection = null;
    this.lastSyncAt = new Date();
    this.lastError = null;
    return kind === 'unchanged' ? { kind } : { kind, etag };
  }

  private async recordingErrors<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      this.lastError = error instanceof RemoteConfigError ? error.message : firstLine(error);
      throw error;
    }
  }

  /** Puts the last good file back; without one, the rejected file must not stay either. */
  private async restore(path: string, previous: Buffer | undefined): Promise<void> {
    try {
      if (previous) await writeFileAtomically(path, previous);
      else await rm(path, { force: true });
    } catch (error) {
      this.logger.error(`restoring ${path} after a rejected config failed: ${firstLine(error)}`);
    }
  }
}

function unquote(etag: string): string {
  return etag.replace(/^"(.*)"$/, '$1');
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]?.trim() ?? '';
}
