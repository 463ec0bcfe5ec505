import { Injectable } from '@nestjs/common';
import { ConfigStore } from '@routeiq/config';
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
}

/** This replica's HA state: its role, the current leader, and its config generation. */
@Injectable()
export class ConfigSyncStatusService {
  constructor(
    private readonly election: LeaderElectionService,
    private readonly store: ConfigStore,
    private readonly redis: CoordinationHealth,
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
    };
  }
}
