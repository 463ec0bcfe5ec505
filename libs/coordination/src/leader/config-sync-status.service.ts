import { Injectable, Optional } from '@nestjs/common';
import { ConfigSourceStatus, ConfigStore, type ConfigSourceView } from '@routeiq/config';
import { CoordinationHealth } from '../coordination.health';
import type { HaMode } from './leader-election.config';
import { LeaderElectionService } from './leader-election.service';

/** The body of `GET /config/sync/status`. */
export interface ConfigSyncStatus {
  readonly ha_mode: HaMode;
  readonly instance_id: string;
  readonly role: 'leader' | 'follower' | 'standalone';
  readonly leader: {
    readonly instance_id: string;
    readonly since: string | null;
    readonly fencing_token: number;
  } | null;
  readonly lease_seconds: number;
  /** This replica's config generation (1 after boot, +1 per reload). */
  readonly generation: number;
  readonly redis: 'on' | 'off';
  /** Where this replica's YAML config comes from, and (S3) the object it runs. */
  readonly config_source: ConfigSourceBody;
}

/** `config_source`: a local file, or an S3 object mirrored into that file. */
export type ConfigSourceBody =
  | { readonly source: 'file'; readonly path: string }
  | {
      readonly source: 's3';
      readonly path: string;
      readonly bucket: string;
      readonly key: string;
      readonly hot_reload: boolean;
      readonly etag: string | null;
      readonly last_sync_at: string | null;
      readonly last_error: string | null;
    };

/** This replica's HA state: its role, the current leader, and its config generation. */
@Injectable()
export class ConfigSyncStatusService {
  constructor(
    private readonly election: LeaderElectionService,
    private readonly store: ConfigStore,
    private readonly redis: CoordinationHealth,
    // Absent when the app has no remote config module (then the config is a plain file).
    @Optional() private readonly source?: ConfigSourceStatus,
  ) {}

  async status(): Promise<ConfigSyncStatus> {
    const view = await this.election.status();
    const { leader } = view;
    return {
      ha_mode: view.haMode,
      instance_id: view.instanceId,
      role: view.role,
      leader: leader && {
        instance_id: leader.instanceId,
        since: leader.since?.toISOString() ?? null,
        fencing_token: leader.fencingToken,
      },
      lease_seconds: view.leaseSeconds,
      generation: this.store.generation,
      redis: this.redis.enabled ? 'on' : 'off',
      config_source: this.configSource(),
    };
  }

  private configSource(): ConfigSourceBody {
    const view: ConfigSourceView = this.source?.view() ?? {
      source: 'file',
      path: this.store.current.sourcePath,
    };
    if (view.source === 'file') return { source: 'file', path: view.path };
    return {
      source: 's3',
      path: view.path,
      bucket: view.bucket,
      key: view.key,
      hot_reload: view.hotReload,
      etag: view.etag,
      last_sync_at: view.lastSyncAt?.toISOString() ?? null,
      last_error: view.lastError,
    };
  }
}
