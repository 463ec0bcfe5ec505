import { CommonException } from '@routeiq/common';
import { type McpPermissions, NO_MCP_RESTRICTIONS } from '@routeiq/persistence';
import { objectPermissionField } from './object-permission.parser';

const CURRENT: McpPermissions = {
  servers: ['tickets'],
  accessGroups: ['ops'],
  tools: { tickets: ['search'] },
};

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
  it('maps the LiteLLM fields to MCP permissions, de-duplicating lists', () => {
    const parsed = objectPermissionField({
      object_permission: {
        mcp_servers: ['tickets', 'wiki', 'tickets'],
        mcp_access_groups: ['support'],
        mcp_tool_permissions: { wiki: ['read_*', 'search'], tickets: [] },
      },
    });
    expect(parsed).toEqual({
      servers: ['tickets', 'wiki'],
      accessGroups: ['support'],
      tools: { wiki: ['read_*', 'search'], tickets: [] },
    });
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
    expect(parsed).toEqual({ servers: ['wiki'], accessGroups: ['ops'], tools: {} });
    // The result never aliases the stored record's arrays.
    expect(parsed?.accessGroups).not.toBe(CURRENT.accessGroups);
  });

  it('starts a new record from no restrictions', () => {
    expect(objectPermissionField({ object_permission: {} })).toEqual(NO_MCP_RESTRICTIONS);
    expect(objectPermissionField({ object_permission: { mcp_access_groups: ['a'] } })).toEqual({
      servers: [],
      accessGroups: ['a'],
      tools: {},
    });
  });

  it('accepts LiteLLM fields it does not govern while they grant nothing', () => {
    const parsed = objectPermissionField({
      object_permission: {
        object_permission_id: 'op-1',
        vector_stores: [],
        agents: null,
        agent_access_groups: [],
        mcp_servers: ['wiki'],
      },
    });
    expect(parsed).toEqual({ servers: ['wiki'], accessGroups: [], tools: {} });
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
    [
      'an unknown field',
      { mcp_server: ['wiki'] },
      'object_permission.mcp_server',
      /unknown; give mcp_servers, mcp_access_groups, mcp_tool_permissions/,
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
