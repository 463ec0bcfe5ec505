import { join } from 'node:path';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process';
import { HA_ADMIN_KEY, HA_MASTER_KEY } from './ha-stack';

/** The admin view `GET /config/sync/status` gives of one replica. */
export interface SyncStatus {
  ha_mode: string;
  instance_id: string;
  role: string;
  leader: { instance_id: string; fencing_token: number } | null;
  redis: string;
}

/** Everything a replica of the HA cluster is started with. */
export interface ClusterSettings {
  readonly dir: string;
  readonly configPath: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly leaseSeconds: number;
  /** More environment for every replica (features the suite turns on). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Gateway replicas on fixed loopback ports (nginx's upstreams), each restartable on its port.
 * A slot holds `undefined` while its replica is down.
 */
export class HaCluster {
  readonly procs: Array<GatewayProcess | undefined>;

  constructor(
    private readonly settings: ClusterSettings,
    readonly ports: number[],
  ) {
    this.procs = ports.map(() => undefined);
  }

  url(i: number): string {
    return `http://127.0.0.1:${this.ports[i]}`;
  }

  /** Starts replica `i` and waits until it is ready (migrations applied, caches warm). */
  async start(i: number): Promise<void> {
    const s = this.settings;
    const proc = spawnGateway(
      ['--config', s.configPath, '--port', String(this.ports[i]), '--host', '127.0.0.1'],
      {
        DATABASE_URL: s.databaseUrl,
        REDIS_URL: s.redisUrl,
        REDIS_KEY_PREFIX: s.redisPrefix,
        LLMROUTER_HA_MODE: 'leader_election',
        LLMROUTER_CONFIG_SYNC_LEASE_SECONDS: String(s.leaseSeconds),
        ROUTEIQ_DATA_DIR: join(s.dir, `data-${i}`),
        LITELLM_MASTER_KEY: HA_MASTER_KEY,
        ADMIN_API_KEYS: HA_ADMIN_KEY,
        LITELLM_LOG: process.env.TEST_LOG_LEVEL ?? 'info',
        LITELLM_CONFIG_PATH: undefined,
        CONFIG_FILE_PATH: undefined,
        ...s.env,
      },
    );
    this.procs[i] = proc;
    await proc.waitFor(/listening on/, 30_000);
  }

  /** kill -9: no drain, no lease release. */
  async kill(i: number): Promise<void> {
    const proc = this.procs[i];
    this.procs[i] = undefined;
    await proc?.stop();
  }

  /** SIGTERM and wait for the drain to finish; resolves to the exit code. */
  async terminate(i: number): Promise<number | null> {
    const proc = this.procs[i];
    this.procs[i] = undefined;
    if (!proc) return null;
    proc.child.kill('SIGTERM');
    return proc.exited;
  }

  live(): number[] {
    return this.procs.flatMap((proc, i) => (proc ? [i] : []));
  }

  async status(i: number): Promise<SyncStatus> {
    const res = await fetch(`${this.url(i)}/config/sync/status`, {
      headers: { 'x-admin-api-key': HA_ADMIN_KEY },
    });
    if (res.status !== 200) throw new Error(`status ${res.status} from replica ${i}`);
    return (await res.json()) as SyncStatus;
  }

  /**
   * The replica index every live replica agrees leads (role `leader` on exactly one, and each
   * one's `leader.instance_id` names it), or undefined while they do not agree.
   */
  async agreedLeader(): Promise<number | undefined> {
    const live = this.live();
    const statuses = await Promise.all(live.map((i) => this.status(i)));
    const leaders = statuses.flatMap((s, k) => (s.role === 'leader' ? [k] : []));
    if (leaders.length !== 1) return undefined;
    const leaderId = statuses[leaders[0]!]!.instance_id;
    const agreed = statuses.every((s) => s.leader?.instance_id === leaderId);
    return agreed ? live[leaders[0]!] : undefined;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.procs.map((_, i) => this.kill(i)));
  }
}
