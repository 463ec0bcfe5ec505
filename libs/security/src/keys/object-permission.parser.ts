import { CommonException } from '@routeiq/common';
import { isMcpServerId, type McpPermissions, NO_MCP_RESTRICTIONS } from '@routeiq/persistence';
import { MAX_LIST, stringArray, type JsonObject } from './governance-fields.parser';

const FIELD = 'object_permission';
const SERVER_ID_RULE =
  'lowercase letters, digits, "_" and "-", at most 64, not starting with "_" or "-"';
const MCP_FIELDS = ['mcp_servers', 'mcp_access_groups', 'mcp_tool_permissions'];
// LiteLLM fields for things this gateway does not govern. Accepted while they grant nothing, so
// a LiteLLM client that sends them empty keeps working; a real restriction is refused, not dropped.
const UNSUPPORTED_FIELDS = ['vector_stores', 'agents', 'agent_access_groups'];
const IGNORED_FIELDS = ['object_permission_id'];

function fail(message: string, param: string): never {
  throw CommonException.invalidRequest(message, param);
}

/**
 * LiteLLM's `object_permission` on key and team writes, as the holder's MCP permissions.
 * Undefined when absent or null (the current value stays). Sub-fields not given keep their value
 * in `current` (LiteLLM merges them too); a null sub-field clears it.
 */
export function objectPermissionField(
  body: JsonObject,
  current: McpPermissions = NO_MCP_RESTRICTIONS,
): McpPermissions | undefined {
  const value = body[FIELD];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    fail(`"${FIELD}" must be an object`, FIELD);
  const given = value as JsonObject;
  checkFields(given);
  return {
    servers: pick(given, 'mcp_servers', current.servers, [], serverIds),
    accessGroups: pick(given, 'mcp_access_groups', current.accessGroups, [], stringArray),
    tools: pick(given, 'mcp_tool_permissions', current.tools, {}, toolPermissions),
  };
}

function checkFields(given: JsonObject): void {
  for (const [name, value] of Object.entries(given)) {
    const param = `${FIELD}.${name}`;
    if (MCP_FIELDS.includes(name) || IGNORED_FIELDS.includes(name)) continue;
    if (!UNSUPPORTED_FIELDS.includes(name)) {
      fail(`"${param}" is unknown; give ${MCP_FIELDS.join(', ')}`, param);
    }
    if (value !== null && !(Array.isArray(value) && value.length === 0)) {
      fail(`"${param}" is not supported by this gateway; only MCP permissions are`, param);
    }
  }
}

function pick<T>(
  given: JsonObject,
  name: string,
  current: T,
  cleared: T,
  parse: (value: unknown, param: string) => T,
): T {
  const value = given[name];
  if (value === undefined) return structuredClone(current);
  return value === null ? cleared : parse(value, `${FIELD}.${name}`);
}

function serverIds(value: unknown, param: string): string[] {
  const ids = stringArray(value, param);
  const bad = ids.find((id) => !isMcpServerId(id));
  if (bad !== undefined) {
    fail(`"${param}" has an invalid server id "${bad}" (${SERVER_ID_RULE})`, param);
  }
  return ids;
}

function toolPermissions(value: unknown, param: string): Record<string, string[]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`"${param}" must be an object of server id to tool names`, param);
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_LIST) fail(`"${param}" must name at most ${MAX_LIST} servers`, param);
  const tools: Record<string, string[]> = {};
  for (const [serverId, names] of entries) {
    if (!isMcpServerId(serverId)) {
      fail(`"${param}" has an invalid server id "${serverId}" (${SERVER_ID_RULE})`, param);
    }
    tools[serverId] = stringArray(names, `${param}.${serverId}`);
  }
  return tools;
}
