import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { McpServerRecord } from '@routeiq/persistence';
import { McpServerDirectory } from '../catalog/mcp-catalog.types';
import { McpConfig } from '../mcp.config';
import { McpErrorCode, McpException } from '../mcp.exception';
import { McpTransportFactory } from './mcp-transport.factory';
import { isConnectionFatal, isSessionExpired, toUpstreamException } from './upstream-error.mapper';

/** The client name upstream servers see in `initialize`. */
export const GATEWAY_CLIENT_INFO = { name: 'routeiq-gateway', version: '0.1.0' } as const;

/** How long closing a connection waits for the upstream to answer the session's `DELETE`. */
export const SESSION_END_TIMEOUT_MS = 1_500;

/** One live MCP session with an upstream server. */
export interface McpConnection {
  readonly serverId: string;
  readonly client: Client;
  /** Negotiated in `initialize`; null until then. */
  readonly protocolVersion: string | null;
}

interface Entry extends McpConnection {
  protocolVersion: string | null;
  ready: Promise<void>;
  closed: boolean;
  /** The bound of the connection attempt. */
  connectTimeoutMs: number;
}

/**
 * One MCP client connection per server on this replica: opened lazily, shared by every caller,
 * replaced after it fails (a broken stream, a lost session), closed when the registry changes
 * the server and on shutdown (ending its Streamable HTTP session with `DELETE` first). Tells
 * listeners of the upstream's `list_changed` notifications.
 */
@Injectable()
export class McpConnectionPool implements OnModuleDestroy {
  private readonly logger = new Logger('McpUpstream');
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(serverId: string) => void>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly transports: McpTransportFactory,
    private readonly config: McpConfig,
    directory: McpServerDirectory,
  ) {
    this.unsubscribe = directory.onChange((serverIds) => {
      for (const serverId of serverIds) void this.retire(serverId);
    });
  }

  /**
   * The server's connection, connecting first when there is none. `signal` bounds this caller's
   * wait only: the connection attempt is shared, and bounded by the server's timeout or, when
   * longer, the deadline of the request that opened it (`requestTimeoutMs`). A caller that joined
   * an attempt with a shorter bound than its own deadline tries once more when that bound passes.
   */
  async acquire(
    record: McpServerRecord,
    signal?: AbortSignal,
    requestTimeoutMs = 0,
  ): Promise<McpConnection> {
    const entry = this.current(record, requestTimeoutMs);
    try {
      await abortable(entry.ready, signal);
      return entry;
    } catch (err) {
      const attemptTimedOut =
        err instanceof McpException && err.code === (McpErrorCode.UpstreamTimeout as string);
      if (signal?.aborted || !attemptTimedOut || requestTimeoutMs <= entry.connectTimeoutMs) {
        throw err;
      }
      const next = this.current(record, requestTimeoutMs);
      await abortable(next.ready, signal);
      return next;
    }
  }

  private current(record: McpServerRecord, requestTimeoutMs: number): Entry {
    let entry = this.entries.get(record.serverId);
    if (!entry || entry.closed) {
      entry = this.open(record, requestTimeoutMs);
      this.entries.set(record.serverId, entry);
    }
    return entry;
  }

  /** Closes the server's connection (only `connection`, when given and still current). */
  async discard(serverId: string, connection?: McpConnection): Promise<void> {
    const entry = this.detach(serverId, connection);
    await entry?.client.close().catch(() => undefined);
  }

  /**
   * Closes a connection that is no longer needed (not a failed one: its session is gone or the
   * server is down), telling the upstream first that its session is over.
   */
  private async retire(serverId: string): Promise<void> {
    const entry = this.detach(serverId);
    if (!entry) return;
    await this.endSession(entry);
    await entry.client.close().catch(() => undefined);
  }

  /**
   * The MCP spec's `DELETE` with `Mcp-Session-Id`, through the transport's own fetch (SSRF guard,
   * pinned addresses, the server's auth headers). A 405 (the server does not allow it) is fine.
   * Bounded: closing the client afterwards aborts a DELETE still waiting for its answer.
   */
  private async endSession(entry: Entry): Promise<void> {
    const transport = entry.client.transport;
    if (!(transport instanceof StreamableHTTPClientTransport) || !transport.sessionId) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), SESSION_END_TIMEOUT_MS);
    });
    try {
      const outcome = await Promise.race([transport.terminateSession(), timedOut]);
      if (outcome === 'timeout') {
        this.logger.debug(
          `MCP server ${entry.serverId}: the session's DELETE got no answer within ${SESSION_END_TIMEOUT_MS} ms`,
        );
      }
    } catch (err) {
      // A 404: the upstream already forgot the session.
      if (isSessionExpired(err)) return;
      const reason = toUpstreamException(entry.serverId, err).message;
      this.logger.debug(`Ending the upstream session failed: ${reason}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Called with the server id when an upstream says one of its lists changed. */
  onListChanged(listener: (serverId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Before any shutdown hook: SafeOutboundClient's dispatchers wait for in-flight requests when
   * they close, and an open connection holds one (its standalone SSE stream) until it is closed.
   */
  async onModuleDestroy(): Promise<void> {
    this.unsubscribe();
    await Promise.all([...this.entries.keys()].map((serverId) => this.retire(serverId)));
  }

  /** Takes the entry out of use at once, so that the next caller gets a new connection. */
  private detach(serverId: string, connection?: McpConnection): Entry | undefined {
    const entry = this.entries.get(serverId);
    if (!entry || (connection && connection !== entry)) return undefined;
    this.entries.delete(serverId);
    entry.closed = true;
    return entry;
  }

  private open(record: McpServerRecord, requestTimeoutMs: number): Entry {
    const { serverId } = record;
    const client = new Client(GATEWAY_CLIENT_INFO, { capabilities: {} });
    const entry: Entry = {
      serverId,
      client,
      protocolVersion: null,
      ready: Promise.resolve(),
      closed: false,
      connectTimeoutMs: Math.max(record.timeoutMs ?? this.config.callTimeoutMs, requestTimeoutMs),
    };
    entry.ready = this.connect(record, entry).catch(async (err: unknown) => {
      await this.discard(serverId, entry);
      throw err;
    });
    // Nobody may be waiting when the attempt fails (a caller gave up): that is not unhandled.
    entry.ready.catch(() => undefined);
    for (const schema of [
      ToolListChangedNotificationSchema,
      ResourceListChangedNotificationSchema,
      PromptListChangedNotificationSchema,
    ]) {
      client.setNotificationHandler(schema, () => this.notify(serverId));
    }
    client.onclose = () => void this.discard(serverId, entry);
    return entry;
  }

  private async connect(record: McpServerRecord, entry: Entry): Promise<void> {
    const timeout = entry.connectTimeoutMs;
    const { transport, refusal } = this.transports.create(record);
    let connected = false;
    transport.onerror = (error) => {
      // A failed attempt is its callers' error (and discarded by open()): only log a lost one.
      if (!connected || entry.closed || !isConnectionFatal(error)) return;
      this.logger.warn(`MCP server ${record.serverId}: connection lost`);
      this.detach(record.serverId, entry);
      // Closed later, not now: closing rejects every pending request with "connection closed",
      // and the request that failed must see its own error (a 404 on the session is retried).
      setImmediate(() => void entry.client.close().catch(() => undefined));
    };
    const setProtocolVersion = transport.setProtocolVersion?.bind(transport);
    transport.setProtocolVersion = (version: string) => {
      entry.protocolVersion = version;
      setProtocolVersion?.(version);
    };
    // The legacy SSE handshake has no timeout of its own: a silent upstream must not hang it.
    const deadline = AbortSignal.timeout(timeout);
    try {
      await abortable(entry.client.connect(transport, { timeout }), deadline);
      connected = true;
    } catch (err) {
      if (deadline.aborted) throw McpException.upstreamTimeout(record.serverId, timeout);
      throw refusal() ?? err;
    }
  }

  private notify(serverId: string): void {
    for (const listener of this.listeners) listener(serverId);
  }
}

/** `promise`, or the signal's reason as soon as it aborts. */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
