import { Injectable } from '@nestjs/common';
import type { GatewayRequest, Principal } from '@routeiq/common';
import { digestKey } from '../key-digest';
import { MasterKeyService } from '../master-key.service';
import { SecurityException } from '../security.exception';
import { KeyCacheService } from './key-cache.service';
import { guardrailsOf } from './key-guardrails';
import { attachResolvedKey } from './request-identity';
import type { ResolvedKey } from './resolved-key';

/**
 * User-plane credentials: the master key, or a virtual key (from memory on a hit). A blocked or
 * expired key, or a key of a blocked team, is refused here, before anything else runs.
 */
@Injectable()
export class UserKeyAuthenticator {
  constructor(
    private readonly masterKey: MasterKeyService,
    private readonly cache: KeyCacheService,
  ) {}

  /** The principal for `token`; synchronous for the master key and cached virtual keys. */
  authenticate(req: GatewayRequest, token: string): Principal | Promise<Principal> {
    if (this.masterKey.isVerified(token)) return this.master();
    // One SHA-256 serves both checks: the master key's digest and the virtual key's token.
    const digest = digestKey(token);
    if (this.masterKey.verify(token, digest)) return this.master();
    const resolved = this.cache.resolve(digest.toString('hex'));
    if (resolved instanceof Promise) return resolved.then((key) => this.admit(req, key));
    return this.admit(req, resolved);
  }

  private master(): Principal {
    return { kind: 'master', keyId: this.masterKey.id };
  }

  private admit(req: GatewayRequest, resolved: ResolvedKey | null): Principal {
    if (!resolved) throw SecurityException.invalidApiKey();
    const { key, team } = resolved;
    if (key.blocked) throw SecurityException.keyBlocked('key');
    if (team?.blocked) throw SecurityException.keyBlocked('team');
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now())
      throw SecurityException.keyExpired();
    attachResolvedKey(req, resolved);
    const guardrails = guardrailsOf(resolved);
    return {
      kind: 'virtual',
      keyId: resolved.keyId,
      ...(key.keyAlias !== null && { keyAlias: key.keyAlias }),
      ...(key.teamId !== null && { teamId: key.teamId }),
      ...(key.userId !== null && { userId: key.userId }),
      ...(guardrails !== undefined && { guardrails }),
    };
  }
}
