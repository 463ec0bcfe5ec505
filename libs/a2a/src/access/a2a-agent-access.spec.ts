import type { GatewayRequest } from '@routeiq/common';
import {
  NO_AGENT_RESTRICTIONS,
  type AgentPermissions,
  type TeamRecord,
  type VirtualKeyRecord,
} from '@routeiq/persistence';
import { attachResolvedKey } from '@routeiq/security';
import { A2aException } from '../a2a.exception';
import {
  a2aAccessOf,
  assertMayCallAgent,
  mayCallAgent,
  UNRESTRICTED_A2A_ACCESS,
  type A2aCallerAccess,
} from './a2a-agent-access';

const travel = { agentId: 'travel', accessGroups: ['booking'] };
const payroll = { agentId: 'payroll', accessGroups: ['finance'] };
const loose = { agentId: 'loose', accessGroups: [] };

function perms(overrides: Partial<AgentPermissions>): AgentPermissions {
  return { ...NO_AGENT_RESTRICTIONS, ...overrides };
}

function access(...grants: AgentPermissions[]): A2aCallerAccess {
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

describe('mayCallAgent', () => {
  it('lets a holder without agents or access groups call every agent', () => {
    expect(mayCallAgent(access(NO_AGENT_RESTRICTIONS), payroll)).toBe(true);
  });

  it('allows listed agents and agents of listed access groups, nothing else', () => {
    const caller = access(perms({ agents: ['loose'], accessGroups: ['booking'] }));
    expect(mayCallAgent(caller, travel)).toBe(true);
    expect(mayCallAgent(caller, loose)).toBe(true);
    expect(mayCallAgent(caller, payroll)).toBe(false);
  });

  it('reads "*" as every agent', () => {
    expect(mayCallAgent(access(perms({ agents: ['*'] })), payroll)).toBe(true);
  });

  it('needs both the key and the team to allow the agent', () => {
    const caller = access(
      perms({ accessGroups: ['booking', 'finance'] }),
      perms({ agents: ['payroll'] }),
    );
    expect(mayCallAgent(caller, payroll)).toBe(true);
    expect(mayCallAgent(caller, travel)).toBe(false);
  });

  it('allows no agent to a holder whose only group no agent is in', () => {
    const caller = access(perms({ accessGroups: ['nobody'] }));
    expect([travel, payroll, loose].some((agent) => mayCallAgent(caller, agent))).toBe(false);
  });

  it('allows everything to an unrestricted caller', () => {
    expect(mayCallAgent(UNRESTRICTED_A2A_ACCESS, payroll)).toBe(true);
  });
});

describe('a2aAccessOf', () => {
  it('is unrestricted for admin and master principals', () => {
    for (const kind of ['admin', 'master'] as const) {
      const req = { principal: { kind, keyId: 'a' } } as GatewayRequest;
      expect(a2aAccessOf(req)).toBe(UNRESTRICTED_A2A_ACCESS);
    }
  });

  it("reads the key's and the team's agent permissions", () => {
    const keyPerms = perms({ agents: ['travel'] });
    const teamPerms = perms({ accessGroups: ['booking'] });
    expect(a2aAccessOf(request({ agents: keyPerms }, { agents: teamPerms }))).toEqual({
      unrestricted: false,
      grants: [keyPerms, teamPerms],
    });
  });

  it('treats records without agent permissions as unrestricted holders', () => {
    const caller = a2aAccessOf(request({ models: [] }, { teamId: 't', agents: undefined }));
    expect(caller.unrestricted).toBe(false);
    expect(mayCallAgent(caller, payroll)).toBe(true);
  });
});

describe('assertMayCallAgent', () => {
  it('throws 403 a2a_agent_access_denied naming the agent, and passes allowed agents', () => {
    const req = request({ agents: perms({ agents: ['travel'] }) });
    expect(() => assertMayCallAgent(req, travel)).not.toThrow();
    let error: unknown;
    try {
      assertMayCallAgent(req, payroll);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(A2aException);
    expect(error).toMatchObject({
      status: 403,
      code: 'a2a_agent_access_denied',
      type: 'permission_error',
      message: 'This key may not call A2A agent "payroll"',
    });
  });
});
