import type { GatewayRequest } from '@routeiq/common';
import {
  NO_MCP_RESTRICTIONS,
  type McpPermissions,
  type McpServerRecord,
} from '@routeiq/persistence';
import { resolvedKeyOf } from '@routeiq/security';

/** The parts of a server record access decisions read. */
export type McpServerAccessTarget = Pick<McpServerRecord, 'serverId' | 'accessGroups'>;

/**
 * What one caller may use of the MCP gateway: the MCP permissions of its key and of its key's
 * team (both must allow), or nothing to check for an admin principal.
 */
export interface McpCallerAccess {
  /** Admin and master keys: every server and tool. */
  readonly unrestricted: boolean;
  /** The key's permissions, then its team's (when it has one). */
  readonly grants: readonly McpPermissions[];
}

export const UNRESTRICTED_MCP_ACCESS: McpCallerAccess = Object.freeze({
  unrestricted: true,
  grants: [],
});

/**
 * The caller's MCP access. A key or team record without an `mcp` field (older rows) has no MCP
 * restrictions; a request without a resolved key (admin principals) is unrestricted.
 */
export function mcpAccessOf(req: GatewayRequest): McpCallerAccess {
  const kind = req.principal?.kind;
  if (kind === 'admin' || kind === 'master') return UNRESTRICTED_MCP_ACCESS;
  const resolved = resolvedKeyOf(req);
  if (!resolved) return UNRESTRICTED_MCP_ACCESS;
  const grants = [permissionsOf(resolved.key)];
  if (resolved.team) grants.push(permissionsOf(resolved.team));
  return { unrestricted: false, grants };
}

/** Both the key's and the team's permissions must allow the server. */
export function mayUseServer(access: McpCallerAccess, server: McpServerAccessTarget): boolean {
  return access.unrestricted || access.grants.every((grant) => grantAllowsServer(grant, server));
}

/**
 * The caller may use the server, and every `tools` entry naming it (key and team) lists `tool`
 * (the upstream name, not the qualified one). Entries are exact names or `*` globs.
 */
export function mayUseTool(
  access: McpCallerAccess,
  server: McpServerAccessTarget,
  tool: string,
): boolean {
  if (access.unrestricted) return true;
  return access.grants.every(
    (grant) => grantAllowsServer(grant, server) && grantAllowsTool(grant, server.serverId, tool),
  );
}

/**
 * One holder's rule: with no servers and no access groups every server is usable; otherwise the
 * server must be listed (or `*`) or belong to a listed access group.
 */
export function grantAllowsServer(grant: McpPermissions, server: McpServerAccessTarget): boolean {
  if (grant.servers.length === 0 && grant.accessGroups.length === 0) return true;
  if (grant.servers.includes(server.serverId) || grant.servers.includes('*')) return true;
  return server.accessGroups.some((group) => grant.accessGroups.includes(group));
}

/**
 * One holder's tool rule for a server: no entry for the server means every tool; an entry lists
 * the usable tools, so an empty entry allows none.
 */
export function grantAllowsTool(grant: McpPermissions, serverId: string, tool: string): boolean {
  if (!Object.hasOwn(grant.tools, serverId)) return true;
  const patterns = grant.tools[serverId] ?? [];
  return patterns.some((pattern) => matchesGlob(pattern, tool));
}

function permissionsOf(holder: object): McpPermissions {
  const value = (holder as { mcp?: Partial<McpPermissions> | null }).mcp;
  if (!value) return NO_MCP_RESTRICTIONS;
  return {
    servers: Array.isArray(value.servers) ? value.servers : [],
    accessGroups: Array.isArray(value.accessGroups) ? value.accessGroups : [],
    tools: value.tools && typeof value.tools === 'object' ? value.tools : {},
  };
}

const compiled = new Map<string, RegExp>();

function matchesGlob(pattern: string, name: string): boolean {
  if (pattern === name || pattern === '*') return true;
  if (!pattern.includes('*')) return false;
  let re = compiled.get(pattern);
  if (!re) {
    const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    re = new RegExp(`^${escaped}$`, 's');
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re.test(name);
}
