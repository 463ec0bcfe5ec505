import { Injectable } from '@nestjs/common';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { McpServerRecord } from '@routeiq/persistence';
import { McpServerDirectory, type McpCallOptions } from '../catalog/mcp-catalog.types';
import { McpConfig } from '../mcp.config';
import { McpException } from '../mcp.exception';
import { McpConnectionPool, type McpConnection } from './mcp-connection.pool';
import { isSessionExpired, toUpstreamException } from './upstream-error.mapper';

/** One request on a server's connection, with the signal and timeout it must pass to the SDK. */
export type UpstreamRequest<T> = (connection: McpConnection, options: RequestOptions) => Promise<T>;

// The SDK's own timer only backs up ours, so that its timeout never wins the race.
const SDK_TIMEOUT_SLACK_MS = 1_000;

/**
 * Runs requests on upstream servers: resolves the server (404 / disabled), bounds the whole
 * request (connecting included) by its timeout and the caller's signal, reconnects once when the
 * upstream forgot the session, and turns every failure into a gateway exception.
 */
@Injectable()
export class McpRequestRunner {
  constructor(
    private readonly directory: McpServerDirectory,
    private readonly pool: McpConnectionPool,
    private readonly config: McpConfig,
  ) {}

  /** @throws McpException `mcp_server_not_found`, `mcp_server_disabled` */
  enabledServer(serverId: string): McpServerRecord {
    const record = this.directory.get(serverId);
    if (!record) throw McpException.serverNotFound(serverId);
    if (!record.enabled) throw McpException.serverDisabled(serverId);
    return record;
  }

  /**
   * @throws McpException `mcp_upstream_error`, `mcp_upstream_timeout`, `mcp_server_not_found`,
   * `mcp_server_disabled`; OutboundException when the SSRF guard refuses.
   */
  async run<T>(serverId: string, options: McpCallOptions, request: UpstreamRequest<T>): Promise<T> {
    const record = this.enabledServer(serverId);
    const timeoutMs = options.timeoutMs ?? record.timeoutMs ?? this.config.callTimeoutMs;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const sdkOptions: RequestOptions = { signal, timeout: timeoutMs + SDK_TIMEOUT_SLACK_MS };
    try {
      return await this.attempt(record, signal, timeoutMs, (connection) =>
        request(connection, sdkOptions),
      );
    } catch (err) {
      if (deadline.aborted) throw McpException.upstreamTimeout(serverId, timeoutMs);
      if (options.signal?.aborted) {
        throw McpException.upstreamError(serverId, 'the request was cancelled by the client', err);
      }
      throw toUpstreamException(serverId, err);
    }
  }

  private async attempt<T>(
    record: McpServerRecord,
    signal: AbortSignal,
    timeoutMs: number,
    send: (connection: McpConnection) => Promise<T>,
  ): Promise<T> {
    const connection = await this.pool.acquire(record, signal, timeoutMs);
    try {
      return await send(connection);
    } catch (err) {
      if (!isSessionExpired(err)) throw err;
      // The upstream restarted or expired the session: it never saw this request, so one retry
      // on a new session is safe even for a tool call.
      await this.pool.discard(record.serverId, connection);
      return send(await this.pool.acquire(record, signal, timeoutMs));
    }
  }
}
