import { CommonException } from '@routeiq/common';
import {
  NO_AGENT_RESTRICTIONS,
  NO_MCP_RESTRICTIONS,
  type AgentPermissions,
  type McpPermissions,
} from '@routeiq/persistence';
import { objectPermissionField } from './object-permission.parser';

const CURRENT_MCP: McpPermissions = {
  servers: ['tickets'],
  accessGroups: ['ops'],
  tools: { tickets: ['search'] },
};
const CURRENT_AGENTS: AgentPermissions = { agents: ['travel'], accessGroups: ['support'] };
const CURRENT = { mcp: CURRENT_MCP, agents: CURRENT_AGENTS };

function rejection(objectPermission: unknown): CommonException {
  try {
    objectPermissionField({ object_permission: objectPermission }, CURRENT);
  } catch (error) {
    if (error instanceof CommonException) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(objectPermission)}`);
}

describe('objectPermissionField', () => {
  it('maps the LiteLLM fields to MCP and agent permissions, de-duplicating lists', () => {
    const parsed = objectPermissionField({
      object_permission: {
        mcp_servers: ['tickets', 'wiki', 'tickets'],
        mcp_access_groups: ['support'],
        mcp_tool_permissions: { wiki: ['read_*', 'search'], tickets: [] },
        agents: ['travel', 'billing_bot', 'travel'],
        agent_access_groups: ['finance'],
      },
    });
    expect(parsed).toEqual({
      mcp: {
        servers: ['tickets', 'wiki'],
        accessGroups: ['support'],
        tools: { wiki: ['read_*', 'search'], tickets: [] },
      },
      agents: { agents: ['travel', 'billing_bot'], accessGroups: ['finance'] },
    });
  });

  it('accepts "*" as every agent', () => {
    const parsed = objectPermissionField({ object_permission: { agents: ['*'] } });
    expect(parsed?.agents).toEqual({ agents: ['*'], accessGroups: [] });
  });

  it('is undefined when absent or null, so an update keeps the current value', () => {
    expect(objectPermissionField({}, CURRENT)).toBeUndefined();
    expect(objectPermissionField({ object_permission: null }, CURRENT)).toBeUndefined();
  });

  it('keeps the sub-fields an update does not give, and clears those given as null', () => {
    const parsed = objectPermissionField(
      { object_permission: { mcp_servers: ['wiki'], mcp_tool_permissions: null } },
      CURRENT,
    );
    expect(parsed).toEqual({
      mcp: { servers: ['wiki'], accessGroups: ['ops'], tools: {} },
      agents: CURRENT_AGENTS,
    });
    // The result never aliases the stored record's arrays.
    expect(parsed?.mcp.accessGroups).not.toBe(CURRENT_MCP.accessGroups);
    expect(parsed?.agents.agents).not.toBe(CURRENT_AGENTS.agents);
  });

  it('merges agent sub-fields the same way: given ones replace, null clears, others stay', () => {
    expect(objectPermissionField({ object_permission: { agents: ['hr'] } }, CURRENT)).toEqual({
      mcp: CURRENT_MCP,
      agents: { agents: ['hr'], accessGroups: ['support'] },
    });
    const cleared = objectPermissionField(
      { object_permission: { agent_access_groups: null, agents: [] } },
      CURRENT,
    );
    expect(cleared?.agents).toEqual(NO_AGENT_RESTRICTIONS);
    expect(cleared?.mcp).toEqual(CURRENT_MCP);
  });

  it('starts a new record from no restrictions', () => {
    expect(objectPermissionField({ object_permission: {} })).toEqual({
      mcp: NO_MCP_RESTRICTIONS,
      agents: NO_AGENT_RESTRICTIONS,
    });
    expect(objectPermissionField({ object_permission: { mcp_access_groups: ['a'] } })?.mcp).toEqual(
      { servers: [], accessGroups: ['a'], tools: {} },
    );
    expect(
      objectPermissionField({ object_permission: { agent_access_groups: ['b'] } })?.agents,
    ).toEqual({ agents: [], accessGroups: ['b'] });
  });

  it('accepts LiteLLM fields it does not govern while they grant nothing', () => {
    const parsed = objectPermissionField({
      object_permission: {
        object_permission_id: 'op-1',
        vector_stores: [],
        mcp_servers: ['wiki'],
      },
    });
    expect(parsed?.mcp).toEqual({ servers: ['wiki'], accessGroups: [], tools: {} });
    expect(objectPermissionField({ object_permission: { vector_stores: null } })).toBeDefined();
  });

  it.each<[string, unknown, string, RegExp]>([
    ['not an object', ['wiki'], 'object_permission', /must be an object/],
    ['a string', 'wiki', 'object_permission', /must be an object/],
    ['servers not a list', { mcp_servers: 'wiki' }, 'object_permission.mcp_servers', /array/],
    ['an empty server id', { mcp_servers: [''] }, 'object_permission.mcp_servers', /non-empty/],
    [
      'a server id that is not a slug',
      { mcp_servers: ['Wiki Server'] },
      'object_permission.mcp_servers',
      /invalid server id "Wiki Server"/,
    ],
    [
      'groups with a number',
      { mcp_access_groups: [1] },
      'object_permission.mcp_access_groups',
      /non-empty strings/,
    ],
    [
      'tool permissions as a list',
      { mcp_tool_permissions: ['search'] },
      'object_permission.mcp_tool_permissions',
      /object of server id to tool names/,
    ],
    [
      'a bad server id in tool permissions',
      { mcp_tool_permissions: { '-wiki': ['search'] } },
      'object_permission.mcp_tool_permissions',
      /invalid server id "-wiki"/,
    ],
    [
      'tool names that are not a list',
      { mcp_tool_permissions: { wiki: 'search' } },
      'object_permission.mcp_tool_permissions.wiki',
      /array/,
    ],
    ['agents not a list', { agents: 'travel' }, 'object_permission.agents', /array/],
    [
      'an agent id that is not a slug',
      { agents: ['Travel Agent'] },
      'object_permission.agents',
      /invalid agent id "Travel Agent"/,
    ],
    ['an agent glob', { agents: ['trav*'] }, 'object_permission.agents', /invalid agent id/],
    [
      'agent groups with an empty name',
      { agent_access_groups: [''] },
      'object_permission.agent_access_groups',
      /non-empty strings/,
    ],
    [
      'an unknown field',
      { mcp_server: ['wiki'] },
      'object_permission.mcp_server',
      /unknown; give mcp_servers, mcp_access_groups, mcp_tool_permissions, agents, agent_access_groups/,
    ],
    [
      'a restriction the gateway cannot enforce',
      { vector_stores: ['vs-1'] },
      'object_permission.vector_stores',
      /not supported/,
    ],
  ])('rejects %s with a 400 naming the field', (_case, value, param, message) => {
    const error = rejection(value);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
  });

  it('rejects too many servers in tool permissions', () => {
    const tools = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`s${i}`, []]));
    expect(rejection({ mcp_tool_permissions: tools }).message).toMatch(/at most 256 servers/);
  });
});
