import type { GatewayRequest } from '@routeiq/common';
import {
  NO_MCP_RESTRICTIONS,
  type McpPermissions,
  type TeamRecord,
  type VirtualKeyRecord,
} from '@routeiq/persistence';
import { attachResolvedKey } from '@routeiq/security';
import {
  mayUseServer,
  mayUseTool,
  mcpAccessOf,
  UNRESTRICTED_MCP_ACCESS,
  type McpCallerAccess,
} from './mcp-server-access';

const github = { serverId: 'github', accessGroups: ['dev'] };
const billing = { serverId: 'billing', accessGroups: ['finance'] };
const loose = { serverId: 'loose', accessGroups: [] };

function perms(overrides: Partial<McpPermissions>): McpPermissions {
  return { ...NO_MCP_RESTRICTIONS, ...overrides };
}

function access(...grants: McpPermissions[]): McpCallerAccess {
  return { unrestricted: false, grants };
}

function request(
  key: Partial<VirtualKeyRecord> | Record<string, unknown>,
  team: Partial<TeamRecord> | null = null,
): GatewayRequest {
  const req = { principal: { kind: 'virtual', keyId: 'vk-1' } } as GatewayRequest;
  attachResolvedKey(req, {
    key: key as VirtualKeyRecord,
    team: team as TeamRecord | null,
    keyId: 'vk-1',
    loadedAt: 0,
  });
  return req;
}

describe('mayUseServer', () => {
  it('lets a holder without servers or access groups use every server', () => {
    expect(mayUseServer(access(NO_MCP_RESTRICTIONS), github)).toBe(true);
  });

  it('allows listed servers and servers of listed access groups, nothing else', () => {
    const caller = access(perms({ servers: ['loose'], accessGroups: ['dev'] }));
    expect(mayUseServer(caller, github)).toBe(true);
    expect(mayUseServer(caller, loose)).toBe(true);
    expect(mayUseServer(caller, billing)).toBe(false);
  });

  it('needs both the key and the team to allow the server', () => {
    const caller = access(
      perms({ accessGroups: ['dev', 'finance'] }),
      perms({ servers: ['billing'] }),
    );
    expect(mayUseServer(caller, billing)).toBe(true);
    expect(mayUseServer(caller, github)).toBe(false);
  });

  it('allows everything to an unrestricted caller', () => {
    expect(mayUseServer(UNRESTRICTED_MCP_ACCESS, billing)).toBe(true);
  });
});

describe('mayUseTool', () => {
  it('narrows a server with a tools entry to the listed names and globs', () => {
    const caller = access(perms({ tools: { github: ['search_*', 'get_issue'] } }));
    expect(mayUseTool(caller, github, 'search_code')).toBe(true);
    expect(mayUseTool(caller, github, 'get_issue')).toBe(true);
    expect(mayUseTool(caller, github, 'delete_repo')).toBe(false);
    expect(mayUseTool(caller, billing, 'anything')).toBe(true);
  });

  it('allows no tool of a server whose entry is empty, nor of a server it may not use', () => {
    expect(mayUseTool(access(perms({ tools: { github: [] } })), github, 'search')).toBe(false);
    expect(mayUseTool(access(perms({ servers: ['billing'] })), github, 'search')).toBe(false);
  });

  it('takes glob characters other than * literally', () => {
    const caller = access(perms({ tools: { github: ['a.b*'] } }));
    expect(mayUseTool(caller, github, 'a.bc')).toBe(true);
    expect(mayUseTool(caller, github, 'axbc')).toBe(false);
  });
});

describe('mcpAccessOf', () => {
  it('is unrestricted for admin principals', () => {
    const req = { principal: { kind: 'admin', keyId: 'a' } } as GatewayRequest;
    expect(mcpAccessOf(req)).toBe(UNRESTRICTED_MCP_ACCESS);
  });

  it("reads the key's and the team's permissions", () => {
    const keyPerms = perms({ servers: ['github'] });
    const teamPerms = perms({ accessGroups: ['dev'] });
    expect(mcpAccessOf(request({ mcp: keyPerms }, { mcp: teamPerms }))).toEqual({
      unrestricted: false,
      grants: [keyPerms, teamPerms],
    });
  });

  it('treats records without an mcp field as unrestricted holders', () => {
    const caller = mcpAccessOf(request({ models: [] }, { teamId: 't' }));
    expect(caller.unrestricted).toBe(false);
    expect(mayUseServer(caller, billing)).toBe(true);
    expect(mayUseTool(caller, billing, 'x')).toBe(true);
  });
});
