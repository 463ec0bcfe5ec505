import { Logger, type Provider } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ServerConfig } from '@routeiq/config';
import { credentialKeyPath, persistenceConfig, readCredentialKeyFile } from '@routeiq/persistence';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { A2aRpcError, isRecord } from './a2a-json-rpc';
import type { A2aAgentGeneration } from './a2a-task-ownership.service';

const PREFIX = 'rq1.';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Its own salt and info: the key is independent of the one sealing stored credentials.
const HKDF_SALT = 'routeiq-a2a-list-tasks-page-token';
const HKDF_INFO = 'aes-256-gcm v1';
/** Longer tokens are refused unread (an agent's own tokens are far shorter). */
const MAX_TOKEN_LENGTH = 16_384;

/**
 * Where a `ListTasks` listing resumes: `skip` tasks into the agent's page `upstreamToken`.
 */
export interface A2aListCursor {
  /** The agent's page token of the page to read again (`''`: its first page). */
  readonly upstreamToken: string;
  /**
   * The `pageSize` that page was read with (null: none, the agent's default); set whenever `skip`
   * is, so the page is read again with the same tasks in the same places.
   */
  readonly upstreamPageSize?: number | null;
  /** How many tasks at the start of that page were already handed out or passed over. */
  readonly skip: number;
  /** The last task handed out: the listing resumes after it should it have moved in the page. */
  readonly lastTaskId?: string;
}

/** What a token is good for: one key, one registration of one agent, one set of filters. */
export interface A2aListScope {
  readonly keyId: string;
  readonly agent: A2aAgentGeneration;
  /** The request's filters, canonical (see `listFilters`). */
  readonly filters: string;
}

/**
 * The gateway's `ListTasks` page tokens: a cursor sealed with AES-256-GCM under a key derived
 * (HKDF-SHA256) from a secret every replica shares, the scope as associated data. A token is
 * opaque (the agent's own token inside may name another key's task) and cannot be altered, forged,
 * or used by another key, on another agent registration or with other filters.
 */
export class A2aPageTokenCodec {
  private key: Buffer | undefined;

  /** `secret` is read on first use. */
  constructor(private readonly secret: () => string) {}

  seal(cursor: A2aListCursor, scope: A2aListScope): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.derivedKey(), iv);
    cipher.setAAD(associatedData(scope));
    const plain = JSON.stringify({
      u: cursor.upstreamToken,
      s: cursor.skip,
      ...(cursor.upstreamPageSize !== undefined && { p: cursor.upstreamPageSize }),
      ...(cursor.lastTaskId !== undefined && { l: cursor.lastTaskId }),
    });
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** @throws A2aRpcError -32602 for a token this gateway did not make for this scope. */
  open(token: string, scope: A2aListScope): A2aListCursor {
    const cursor =
      token.startsWith(PREFIX) && token.length <= MAX_TOKEN_LENGTH
        ? this.decrypt(Buffer.from(token.slice(PREFIX.length), 'base64url'), scope)
        : undefined;
    if (cursor === undefined) {
      throw A2aRpcError.invalidParams(
        'Invalid pageToken: it was not issued by this gateway to this key for this listing',
      );
    }
    return cursor;
  }

  private decrypt(raw: Buffer, scope: A2aListScope): A2aListCursor | undefined {
    if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
    let plain: string;
    try {
      const decipher = createDecipheriv(ALGORITHM, this.derivedKey(), raw.subarray(0, IV_BYTES));
      decipher.setAAD(associatedData(scope));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const body = raw.subarray(IV_BYTES + TAG_BYTES);
      plain = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
    return cursorOf(JSON.parse(plain));
  }

  private derivedKey(): Buffer {
    this.key ??= Buffer.from(hkdfSync('sha256', this.secret(), HKDF_SALT, HKDF_INFO, 32));
    return this.key;
  }
}

function associatedData(scope: A2aListScope): Buffer {
  const { keyId, agent, filters } = scope;
  return Buffer.from(JSON.stringify([keyId, agent.agentId, agent.createdAt.getTime(), filters]));
}

/** The cursor a sealed (hence well-formed) token holds. */
function cursorOf(value: unknown): A2aListCursor | undefined {
  if (!isRecord(value) || typeof value.u !== 'string' || typeof value.s !== 'number') {
    return undefined;
  }
  const pageSize = value.p;
  return {
    upstreamToken: value.u,
    skip: value.s,
    ...((typeof pageSize === 'number' || pageSize === null) && { upstreamPageSize: pageSize }),
    ...(typeof value.l === 'string' && { lastTaskId: value.l }),
  };
}

/**
 * The secret every replica shares: the one stored credentials are sealed under
 * (`LITELLM_SALT_KEY`, else `LITELLM_MASTER_KEY`, else the data directory's credentials key file).
 * Without any, a random one per process: tokens then die with the process.
 */
export function pageTokenSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  try {
    return readCredentialKeyFile(credentialKeyPath(dataDir));
  } catch (error) {
    new Logger('A2aPageTokenCodec').warn(
      `ListTasks page tokens are signed with a per-process key (${(error as Error).message}): ` +
        'they stop working when this process restarts, and on other replicas',
    );
    return randomBytes(32).toString('hex');
  }
}

/** The codec under the shared secret (the module must import `ConfigModule.forFeature(persistenceConfig)`). */
export const a2aPageTokenCodecProvider: Provider = {
  provide: A2aPageTokenCodec,
  useFactory: (persistence: ConfigType<typeof persistenceConfig>, server: ServerConfig) =>
    new A2aPageTokenCodec(() => pageTokenSecret(persistence.credentialsSecret, server.dataDir)),
  inject: [persistenceConfig.KEY, ServerConfig],
};
