import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  ConfigStore,
  ServerConfig,
  type GatewayConfig,
  type PreparedConfigChange,
} from '@routeiq/config';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { digestKey, keyId, matchesDigestOf } from './key-digest';
import { SecurityConfig } from './security.config';

export type MasterKeySource = 'environment' | 'config' | 'data file' | 'generated';

const MASTER_KEY_FILE = 'master_key';
/** Verified tokens remembered so the request path skips a SHA-256 per call; bounded. */
const VERIFIED_CACHE_SIZE = 1024;

/**
 * The user-plane master key. The gateway never runs open: when neither `LITELLM_MASTER_KEY` nor
 * `general_settings.master_key` is set, the first start generates a key, stores it in the data
 * directory (mode 0600) and prints it once; later starts read it from there.
 */
@Injectable()
export class MasterKeyService implements OnModuleInit {
  private readonly logger = new Logger('Security');
  private digests: readonly Buffer[] = [];
  private currentSource: MasterKeySource = 'generated';
  private currentKeyId = '';
  // Only tokens that verified are remembered, so garbage keys cannot fill the cache.
  private readonly verified = new Set<string>();

  constructor(
    private readonly security: SecurityConfig,
    private readonly server: ServerConfig,
    private readonly store: ConfigStore,
  ) {}

  onModuleInit(): void {
    this.store.register({ name: 'master-key', prepare: (config) => this.prepare(config) });
  }

  get source(): MasterKeySource {
    return this.currentSource;
  }

  /** Non-secret id of the master key, recorded with each request. */
  get id(): string {
    return this.currentKeyId;
  }

  /** True when `presented` already verified (no hashing). */
  isVerified(presented: string): boolean {
    return this.verified.has(presented);
  }

  /** Pass the presented key's digest when it is already computed (one SHA-256 per request). */
  verify(presented: string, digest?: Buffer): boolean {
    if (this.verified.has(presented)) return true;
    if (!matchesDigestOf(digest ?? digestKey(presented), this.digests)) return false;
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
    this.verified.add(presented);
    return true;
  }

  private prepare(config: GatewayConfig): PreparedConfigChange {
    const { key, source } = this.resolve(config);
    return {
      problems: [],
      commit: () => {
        const digest = digestKey(key);
        this.digests = [digest];
        this.verified.clear();
        this.currentKeyId = keyId(digest);
        if (source !== this.currentSource) this.logger.log(`master key: from ${source}`);
        this.currentSource = source;
      },
    };
  }

  private resolve(config: GatewayConfig): { key: string; source: MasterKeySource } {
    if (this.security.masterKey) return { key: this.security.masterKey, source: 'environment' };
    const fromConfig = config.generalSettings.master_key;
    if (fromConfig) return { key: fromConfig, source: 'config' };
    return this.fromDataDirectory();
  }

  private fromDataDirectory(): { key: string; source: MasterKeySource } {
    const path = join(this.server.dataDir, MASTER_KEY_FILE);
    try {
      const stored = readFileSync(path, 'utf8').trim();
      if (stored.length > 0) return { key: stored, source: 'data file' };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const key = `sk-${randomBytes(24).toString('hex')}`;
    mkdirSync(this.server.dataDir, { recursive: true, mode: 0o700 });
    // 'wx' fails if another process created the file first; never overwrite a key.
    writeFileSync(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
    announceGeneratedKey(key, path);
    return { key, source: 'generated' };
  }
}

/**
 * Printed once, straight to stdout and not through the logger: log pipelines must never carry the
 * key, but the operator must see it the first time.
 */
function announceGeneratedKey(key: string, path: string): void {
  process.stdout.write(
    [
      '',
      '================================================================================',
      ' No master key was configured, so RouteIQ generated one (shown only this once):',
      '',
      `   ${key}`,
      '',
      ` It is stored in ${path} (mode 0600).`,
      ' Use it as "Authorization: Bearer <key>", or set LITELLM_MASTER_KEY.',
      '================================================================================',
      '',
      '',
    ].join('\n'),
  );
}
