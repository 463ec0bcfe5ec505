import { Injectable } from '@nestjs/common';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import {
  getDefaultEnvironment,
  StdioClientTransport,
} from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpServerRecord } from '@routeiq/persistence';
import { OutboundException, SafeOutboundClient } from '@routeiq/security';
import { McpConfig } from '../mcp.config';
import { McpException } from '../mcp.exception';
import { createOutboundFetch } from './outbound-fetch.factory';

/** A transport for one connection, and the SSRF refusal its requests met, if any. */
export interface UpstreamTransport {
  readonly transport: Transport;
  /** The last `OutboundException` of this transport's requests (legacy SSE hides them). */
  readonly refusal: () => OutboundException | undefined;
}

/** Builds the SDK client transport of a registered server. */
@Injectable()
export class McpTransportFactory {
  constructor(
    private readonly outbound: SafeOutboundClient,
    private readonly config: McpConfig,
  ) {}

  /** @throws McpException `mcp_stdio_disabled`, `invalid_mcp_server` (no URL or command). */
  create(record: McpServerRecord): UpstreamTransport {
    if (record.transport === 'stdio')
      return { transport: this.stdio(record), refusal: () => undefined };
    if (!record.url)
      throw McpException.invalidServer(['url: is required for HTTP transports'], 'url');
    let refused: OutboundException | undefined;
    const fetch = createOutboundFetch(this.outbound, {
      headers: upstreamHeaders(record),
      onRefused: (error) => (refused = error),
    });
    const url = new URL(record.url);
    // The SDK's own redirect handling never runs: our fetch refuses every redirect first.
    const transport =
      record.transport === 'sse'
        ? new SSEClientTransport(url, { fetch })
        : new StreamableHTTPClientTransport(url, { fetch });
    return { transport, refusal: () => refused };
  }

  private stdio(record: McpServerRecord): Transport {
    if (!this.config.stdioEnabled) throw McpException.stdioDisabled();
    if (!record.command) {
      throw McpException.invalidServer(['command: is required for stdio'], 'command');
    }
    return new StdioClientTransport({
      command: record.command,
      args: record.args,
      env: { ...getDefaultEnvironment(), ...record.env },
      // The server's stderr may echo its secrets: it never reaches the gateway's logs.
      stderr: 'ignore',
    });
  }
}

/** Per-server credentials and static headers; values are secrets and never logged. */
export function upstreamHeaders(record: McpServerRecord): Record<string, string> {
  const headers: Record<string, string> = { ...record.staticHeaders };
  const secret = record.authValue;
  if (record.authType === 'bearer_token' && secret) headers.Authorization = `Bearer ${secret}`;
  if (record.authType === 'api_key' && secret) headers[record.apiKeyHeader ?? 'X-API-Key'] = secret;
  return headers;
}
