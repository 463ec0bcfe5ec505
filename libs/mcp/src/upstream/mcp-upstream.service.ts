import { Injectable } from '@nestjs/common';
import { ResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Context } from '@opentelemetry/api';
import { GatewayException } from '@routeiq/common';
import { GatewayTracer } from '@routeiq/observability';
import {
  McpServerDirectory,
  McpUpstream,
  type McpCallOptions,
  type McpCompletionRequest,
  type McpServerHealth,
} from '../catalog/mcp-catalog.types';
import { McpCatalogService } from '../catalog/mcp-catalog.service';
import { McpRequestRunner } from './mcp-request.runner';

/** Calls on upstream servers through the pooled SDK clients (see `McpUpstream`). */
@Injectable()
export class McpUpstreamService extends McpUpstream {
  constructor(
    private readonly runner: McpRequestRunner,
    private readonly directory: McpServerDirectory,
    private readonly catalog: McpCatalogService,
    private readonly tracer: GatewayTracer,
  ) {
    super();
  }

  async callTool(
    serverId: string,
    name: string,
    args: Record<string, unknown>,
    options: McpCallOptions = {},
  ): Promise<Record<string, unknown>> {
    const params = { name, arguments: args, ...this.meta(options.trace) };
    return this.runner.run(serverId, options, ({ client }, request) =>
      client.callTool(params, undefined, request),
    );
  }

  async readResource(
    serverId: string,
    uri: string,
    options: McpCallOptions = {},
  ): Promise<Record<string, unknown>> {
    const params = { uri, ...this.meta(options.trace) };
    return this.runner.run(serverId, options, ({ client }, request) =>
      client.readResource(params, request),
    );
  }

  async getPrompt(
    serverId: string,
    name: string,
    args: Record<string, string>,
    options: McpCallOptions = {},
  ): Promise<Record<string, unknown>> {
    const params = { name, arguments: args, ...this.meta(options.trace) };
    return this.runner.run(serverId, options, ({ client }, request) =>
      client.getPrompt(params, request),
    );
  }

  async complete(
    serverId: string,
    request: McpCompletionRequest,
    options: McpCallOptions = {},
  ): Promise<Record<string, unknown> | null> {
    const params = { ...request, ...this.meta(options.trace) };
    return this.runner.run(serverId, options, async ({ client }, sdkOptions) => {
      if (!client.getServerCapabilities()?.completions) return null;
      // The SDK's CompleteResultSchema refuses more than 100 values: the caller caps them instead.
      return client.request({ method: 'completion/complete', params }, ResultSchema, sdkOptions);
    });
  }

  async probe(serverId: string): Promise<McpServerHealth> {
    const checkedAt = new Date().toISOString();
    const base = { serverId, checkedAt, toolCount: this.catalog.lastToolCount(serverId) };
    const down = { latencyMs: null, protocolVersion: null, serverInfo: null };
    const record = this.directory.get(serverId);
    if (record && !record.enabled) return { ...base, ...down, status: 'disabled', error: null };
    const started = performance.now();
    try {
      const connection = await this.runner.run(serverId, {}, async (connection, request) => {
        await connection.client.ping(request);
        return connection;
      });
      const info = connection.client.getServerVersion();
      return {
        ...base,
        status: 'healthy',
        latencyMs: Math.round(performance.now() - started),
        protocolVersion: connection.protocolVersion,
        serverInfo: info ? { name: info.name, version: info.version } : null,
        error: null,
      };
    } catch (err) {
      // Gateway exceptions name the host at most; anything else is described generically.
      const error = err instanceof GatewayException ? err.message : 'the probe failed';
      return { ...base, ...down, status: 'unhealthy', error };
    }
  }

  /** `_meta.traceparent` (OTel MCP semantic conventions); the fetch copies it into the header. */
  private meta(trace: Context | undefined): { _meta?: Record<string, string> } {
    if (!trace) return {};
    const headers = this.tracer.upstreamHeaders(trace);
    return headers.traceparent ? { _meta: headers } : {};
  }
}
