import type { Provider } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { SecretBox } from '@routeiq/common';
import { ServerConfig } from '@routeiq/config';
import { persistenceConfig, sharedTokenSecret } from '@routeiq/persistence';
import { A2aRpcError, isRecord } from './a2a-json-rpc';
import type { A2aAgentGeneration } from './a2a-task-ownership.service';

// Its own salt: the key is independent of the one sealing stored credentials.
const PURPOSE = { salt: 'routeiq-a2a-list-tasks-page-token', prefix: 'rq1.' } as const;
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
  private box: SecretBox | undefined;

  /** `secret` is read on first use. */
  constructor(private readonly secret: () => string) {}

  seal(cursor: A2aListCursor, scope: A2aListScope): string {
    const plain = JSON.stringify({
      u: cursor.upstreamToken,
      s: cursor.skip,
      ...(cursor.upstreamPageSize !== undefined && { p: cursor.upstreamPageSize }),
      ...(cursor.lastTaskId !== undefined && { l: cursor.lastTaskId }),
    });
    return this.sealer().seal(plain, associatedData(scope));
  }

  /** @throws A2aRpcError -32602 for a token this gateway did not make for this scope. */
  open(token: string, scope: A2aListScope): A2aListCursor {
    const plain =
      token.length <= MAX_TOKEN_LENGTH
        ? this.sealer().open(token, associatedData(scope))
        : undefined;
    const cursor = plain === undefined ? undefined : cursorOf(JSON.parse(plain));
    if (cursor === undefined) {
      throw A2aRpcError.invalidParams(
        'Invalid pageToken: it was not issued by this gateway to this key for this listing',
      );
    }
    return cursor;
  }

  private sealer(): SecretBox {
    this.box ??= new SecretBox(this.secret(), PURPOSE);
    return this.box;
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

/** The secret every replica shares (see `sharedTokenSecret`). */
export function pageTokenSecret(configured: string | undefined, dataDir: string): string {
  return sharedTokenSecret(configured, dataDir, 'ListTasks page tokens');
}

/** The codec under the shared secret (the module must import `ConfigModule.forFeature(persistenceConfig)`). */
export const a2aPageTokenCodecProvider: Provider = {
  provide: A2aPageTokenCodec,
  useFactory: (persistence: ConfigType<typeof persistenceConfig>, server: ServerConfig) =>
    new A2aPageTokenCodec(() => pageTokenSecret(persistence.credentialsSecret, server.dataDir)),
  inject: [persistenceConfig.KEY, ServerConfig],
};
