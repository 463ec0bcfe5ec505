import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { GatewayRequest } from '@routeiq/common';
import { ExpiringStore } from '@routeiq/coordination';
import { McpConfig } from '../mcp.config';

/** Namespace of client sessions in the ExpiringStore. */
export const MCP_SESSION_NAMESPACE = 'mcp-session';

export type McpTransportKind = 'streamable-http' | 'sse';

export interface McpClientInfo {
  readonly name: string;
  readonly version: string;
}

/** A client session of the `/mcp` endpoint, shared by every replica through the store. */
export interface McpSession {
  readonly id: string;
  /** `principal.keyId` of the key that opened it: only that key may use it. */
  readonly keyId: string;
  readonly transport: McpTransportKind;
  /** Negotiated at `initialize` (an SSE session has none until then). */
  readonly protocolVersion?: string;
  readonly clientInfo?: McpClientInfo;
  readonly createdAt: string;
}

export type McpSessionInit = Omit<McpSession, 'id' | 'createdAt'>;

/** The key a session belongs to: the authenticated caller's `principal.keyId`. */
export function callerKeyId(req: GatewayRequest): string {
  // The global guard sets a principal on every route of the endpoint before this runs.
  return req.principal?.keyId ?? '';
}

/**
 * Client sessions in the ExpiringStore (Redis across replicas), expiring after
 * `MCP_SESSION_TTL_SECONDS` without use.
 */
@Injectable()
export class McpSessionStore {
  constructor(
    private readonly store: ExpiringStore,
    private readonly config: McpConfig,
  ) {}

  /** Idle time after which a session expires (`MCP_SESSION_TTL_SECONDS`). */
  get ttlSeconds(): number {
    return this.config.sessionTtlSeconds;
  }

  async create(init: McpSessionInit): Promise<McpSession> {
    // 192 random bits, base64url: visible ASCII as the transport requires, and unguessable.
    const session: McpSession = {
      ...init,
      id: randomBytes(24).toString('base64url'),
      createdAt: new Date().toISOString(),
    };
    await this.save(session);
    return session;
  }

  /** Replaces a session's record (and restarts its time to live). */
  async save(session: McpSession): Promise<void> {
    const ttl = this.config.sessionTtlSeconds;
    await this.store.set(MCP_SESSION_NAMESPACE, session.id, JSON.stringify(session), ttl);
  }

  /**
   * The live session `id` of `keyId` on `transport`, its time to live restarted; undefined when
   * it is unknown, expired, or another key's or transport's (indistinguishable to the caller).
   */
  async find(
    id: string,
    keyId: string,
    transport: McpTransportKind,
  ): Promise<McpSession | undefined> {
    const raw = await this.store.get(MCP_SESSION_NAMESPACE, id);
    const session = raw === undefined ? undefined : parseSession(raw);
    if (!session || session.id !== id || session.keyId !== keyId) return undefined;
    if (session.transport !== transport) return undefined;
    await this.touch(id);
    return session;
  }

  /** Restarts the time to live; false when the session is gone. */
  touch(id: string): Promise<boolean> {
    return this.store.touch(MCP_SESSION_NAMESPACE, id, this.config.sessionTtlSeconds);
  }

  delete(id: string): Promise<boolean> {
    return this.store.delete(MCP_SESSION_NAMESPACE, id);
  }
}

function parseSession(raw: string): McpSession | undefined {
  try {
    const value = JSON.parse(raw) as Partial<McpSession> | null;
    const valid =
      typeof value?.id === 'string' &&
      typeof value.keyId === 'string' &&
      (value.transport === 'streamable-http' || value.transport === 'sse');
    return valid ? (value as McpSession) : undefined;
  } catch {
    return undefined;
  }
}
