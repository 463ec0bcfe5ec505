import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { digestKey, matchesDigest } from './key-digest';
import { SecurityConfig } from './security.config';

/** Control-plane keys from `ADMIN_API_KEYS` / `ADMIN_API_KEY`, held as digests. */
@Injectable()
export class AdminKeyService implements OnModuleInit {
  private readonly logger = new Logger('Security');
  private readonly digests: readonly Buffer[];

  constructor(private readonly security: SecurityConfig) {
    this.digests = security.adminApiKeys.map(digestKey);
  }

  onModuleInit(): void {
    if (!this.security.adminAuthEnabled) {
      this.logger.warn('ADMIN_AUTH_ENABLED=false: control-plane endpoints accept any caller');
    } else if (this.digests.length === 0) {
      this.logger.log('control plane: no ADMIN_API_KEYS configured, admin endpoints answer 403');
    }
  }

  /** False only when ADMIN_AUTH_ENABLED=false was set explicitly. */
  get enforced(): boolean {
    return this.security.adminAuthEnabled;
  }

  get configured(): boolean {
    return this.digests.length > 0;
  }

  verify(presented: string): boolean {
    return matchesDigest(presented, this.digests);
  }
}
