import type { TLSSocket } from 'node:tls';
import type { GatewayRequest } from '@routeiq/common';
import type { McpServerRecord } from '@routeiq/persistence';
import { NAMESPACE_SEPARATOR } from '../catalog/mcp-catalog.types';

const SERVER_SCHEMA =
  'https://static.modelcontextprotocol.io/schemas/2025-10-17/server.schema.json';
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

export interface McpRemote {
  type: 'streamable-http' | 'sse';
  url: string;
}

/** One upstream server as the registry document lists it: how to find its tools, no secrets. */
export interface McpRegistryEntry {
  name: string;
  title: string;
  description: string | null;
  /** Tools and prompts of this server are named `{prefix}{name}` on the gateway. */
  tool_prefix: string;
  access_groups: string[];
  remotes: McpRemote[];
}

/**
 * `GET /v1/llmrouter/mcp/registry.json`: the gateway described as one MCP server, after the MCP
 * registry's server.json (name, description, version, remotes), listing the enabled upstream
 * servers the caller may use; all of them are reached through the gateway's own endpoint.
 */
export interface McpRegistryDocument {
  $schema: string;
  name: string;
  title: string;
  description: string;
  version: string;
  remotes: McpRemote[];
  servers: McpRegistryEntry[];
  total_count: number;
}

export function registryDocument(
  servers: readonly McpServerRecord[],
  gatewayUrl: string,
): McpRegistryDocument {
  const remotes: McpRemote[] = [
    { type: 'streamable-http', url: `${gatewayUrl}/mcp` },
    { type: 'sse', url: `${gatewayUrl}/mcp/sse` },
  ];
  const entries = servers
    .filter((server) => server.enabled)
    .map((server) => ({
      name: server.serverId,
      title: server.serverName,
      description: server.description,
      tool_prefix: `${server.serverId}${NAMESPACE_SEPARATOR}`,
      access_groups: [...server.accessGroups],
      remotes: [{ ...remotes[0]! }],
    }));
  return {
    $schema: SERVER_SCHEMA,
    name: 'io.routeiq/gateway',
    title: 'RouteIQ Gateway',
    description:
      'One MCP endpoint for every upstream MCP server this key may use; tools and prompts are named {server}.{name}.',
    version: '1.0.0',
    remotes,
    servers: entries,
    total_count: entries.length,
  };
}

/** The gateway's base URL as the caller reached it (`X-Forwarded-Proto` honoured). */
export function gatewayUrlOf(req: GatewayRequest): string {
  const forwarded = firstValue(req.headers['x-forwarded-proto'])?.split(',')[0]?.trim();
  const encrypted = (req.socket as TLSSocket | undefined)?.encrypted === true;
  const scheme =
    forwarded === 'https' || forwarded === 'http' ? forwarded : encrypted ? 'https' : 'http';
  const host = req.headers.host;
  return `${scheme}://${host && HOST.test(host) ? host : 'localhost'}`;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
