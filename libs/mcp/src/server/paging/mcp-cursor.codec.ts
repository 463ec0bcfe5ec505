import type { Provider } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { SecretBox } from '@routeiq/common';
import { ServerConfig } from '@routeiq/config';
import { persistenceConfig, sharedTokenSecret } from '@routeiq/persistence';
import { McpRpcError } from '../json-rpc';

// Its own salt: the key is independent of the ones sealing credentials and A2A page tokens.
const PURPOSE = { salt: 'routeiq-mcp-list-cursor', prefix: 'mc1.' } as const;
/** Longer cursors are refused unread (the gateway's own are far shorter). */
const MAX_CURSOR_LENGTH = 8_192;

/** Where a listing resumes: after the item with this sort key (see `McpListPager`). */
export type McpListPosition = readonly string[];

/** What a cursor is good for: one key and one list method. */
export interface McpCursorScope {
  readonly keyId: string;
  readonly method: string;
}

/**
 * The `nextCursor`s of the gateway's MCP list methods: the position sealed with AES-256-GCM under
 * a key derived from a secret every replica shares, the scope as associated data. A cursor is
 * opaque and cannot be altered, forged, used by another key or with another list method.
 */
export class McpCursorCodec {
  private box: SecretBox | undefined;

  /** `secret` is read on first use. */
  constructor(private readonly secret: () => string) {}

  seal(position: McpListPosition, scope: McpCursorScope): string {
    return this.sealer().seal(JSON.stringify(position), associatedData(scope));
  }

  /** @throws McpRpcError -32602 for a cursor this gateway did not make for this scope. */
  open(cursor: string, scope: McpCursorScope): McpListPosition {
    const plain =
      cursor.length <= MAX_CURSOR_LENGTH
        ? this.sealer().open(cursor, associatedData(scope))
        : undefined;
    const position = plain === undefined ? undefined : positionOf(JSON.parse(plain));
    if (position === undefined) {
      throw McpRpcError.invalidParams(
        `Invalid cursor for ${scope.method}: it was not issued by this gateway to this key for this listing`,
      );
    }
    return position;
  }

  private sealer(): SecretBox {
    this.box ??= new SecretBox(this.secret(), PURPOSE);
    return this.box;
  }
}

function associatedData(scope: McpCursorScope): Buffer {
  return Buffer.from(JSON.stringify([scope.keyId, scope.method]));
}

/** The position a sealed (hence well-formed) cursor holds. */
function positionOf(value: unknown): McpListPosition | undefined {
  const valid = Array.isArray(value) && value.every((part) => typeof part === 'string');
  return valid ? value : undefined;
}

/** The secret every replica shares (see `sharedTokenSecret`). */
export function cursorSecret(configured: string | undefined, dataDir: string): string {
  return sharedTokenSecret(configured, dataDir, 'MCP list cursors');
}

/** The codec under the shared secret (the module imports `ConfigModule.forFeature(persistenceConfig)`). */
export const mcpCursorCodecProvider: Provider = {
  provide: McpCursorCodec,
  useFactory: (persistence: ConfigType<typeof persistenceConfig>, server: ServerConfig) =>
    new McpCursorCodec(() => cursorSecret(persistence.credentialsSecret, server.dataDir)),
  inject: [persistenceConfig.KEY, ServerConfig],
};
