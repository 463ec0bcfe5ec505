import { CommonException } from '@routeiq/common';
import {
  isA2aAgentId,
  isMcpServerId,
  type AgentPermissions,
  type GovernanceFields,
  type McpPermissions,
  NO_AGENT_RESTRICTIONS,
  NO_MCP_RESTRICTIONS,
} from '@routeiq/persistence';
import { MAX_LIST, stringArray, type JsonObject } from './governance-fields.parser';

const FIELD = 'object_permission';
const SERVER_ID_RULE =
  'lowercase letters, digits, "_" and "-", at most 64, not starting with "_" or "-"';
const AGENT_ID_RULE = 'lowercase letters, digits, "_" and "-", at most 64, or "*"';
const SUPPORTED_FIELDS = [
  'mcp_servers',
  'mcp_access_groups',
  'mcp_tool_permissions',
  'agents',
  'agent_access_groups',
];
// LiteLLM fields for things this gateway does not govern. Accepted while they grant nothing, so
// a LiteLLM client that sends them empty keeps working; a real restriction is refused, not dropped.
const UNSUPPORTED_FIELDS = ['vector_stores'];
const IGNORED_FIELDS = ['object_permission_id'];

/** What LiteLLM's `object_permission` governs here: MCP servers and tools, and A2A agents. */
export interface ObjectPermissions {
  mcp: McpPermissions;
  agents: AgentPermissions;
}

/** The stored permissions an update starts from. */
export type CurrentObjectPermissions = Partial<Pick<GovernanceFields, 'mcp' | 'agents'>>;

function fail(message: string, param: string): never {
  throw CommonException.invalidRequest(message, param);
}

/**
 * LiteLLM's `object_permission` on key and team writes, as the holder's MCP and agent permissions.
 * Undefined when absent or null (the current values stay). Sub-fields not given keep their value
 * in `current` (LiteLLM merges them too); a null sub-field clears it.
 */
export function objectPermissionField(
  body: JsonObject,
  current: CurrentObjectPermissions = {},
): ObjectPermissions | undefined {
  const value = body[FIELD];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    fail(`"${FIELD}" must be an object`, FIELD);
  const given = value as JsonObject;
  checkFields(given);
  const mcp = current.mcp ?? NO_MCP_RESTRICTIONS;
  const agents = current.agents ?? NO_AGENT_RESTRICTIONS;
  return {
    mcp: {
      servers: pick(given, 'mcp_servers', mcp.servers, [], serverIds),
      accessGroups: pick(given, 'mcp_access_groups', mcp.accessGroups, [], stringArray),
      tools: pick(given, 'mcp_tool_permissions', mcp.tools, {}, toolPermissions),
    },
    agents: {
      agents: pick(given, 'agents', agents.agents, [], agentIds),
      accessGroups: pick(given, 'agent_access_groups', agents.accessGroups, [], stringArray),
    },
  };
}

function checkFields(given: JsonObject): void {
  for (const [name, value] of Object.entries(given)) {
    const param = `${FIELD}.${name}`;
    if (SUPPORTED_FIELDS.includes(name) || IGNORED_FIELDS.includes(name)) continue;
    if (!UNSUPPORTED_FIELDS.includes(name)) {
      fail(`"${param}" is unknown; give ${SUPPORTED_FIELDS.join(', ')}`, param);
    }
    if (value !== null && !(Array.isArray(value) && value.length === 0)) {
      fail(
        `"${param}" is not supported by this gateway; only MCP and agent permissions are`,
        param,
      );
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

function agentIds(value: unknown, param: string): string[] {
  const ids = stringArray(value, param);
  const bad = ids.find((id) => id !== '*' && !isA2aAgentId(id));
  if (bad !== undefined) {
    fail(`"${param}" has an invalid agent id "${bad}" (${AGENT_ID_RULE})`, param);
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
