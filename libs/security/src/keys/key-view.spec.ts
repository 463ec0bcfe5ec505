import {
  NO_AGENT_RESTRICTIONS,
  NO_MCP_RESTRICTIONS,
  type GovernanceFields,
  type TeamRecord,
  type VirtualKeyRecord,
} from '@routeiq/persistence';
import { keyView, teamView } from './key-view';

const T0 = new Date('2026-11-28T10:00:00.000Z');

function governance(overrides: Partial<GovernanceFields> = {}): GovernanceFields {
  return {
    models: ['demo'],
    maxBudget: 5,
    budgetDuration: '30d',
    budgetResetAt: null,
    spend: 1.5,
    rpmLimit: 10,
    tpmLimit: null,
    blocked: false,
    metadata: { owner: 'ci' },
    mcp: { servers: ['wiki'], accessGroups: ['ops'], tools: { wiki: ['search'] } },
    agents: { agents: ['travel', '*'], accessGroups: ['finance'] },
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

describe('keyView', () => {
  it('shows MCP and agent permissions as LiteLLM object_permission, next to the other fields', () => {
    const key: VirtualKeyRecord = {
      token: 'a'.repeat(64),
      keyName: 'sk-...AbCd',
      keyAlias: 'ci',
      teamId: null,
      userId: 'alice',
      permissions: [],
      expiresAt: null,
      ...governance(),
    };
    const view = keyView(key);
    expect(view.object_permission).toEqual({
      mcp_servers: ['wiki'],
      mcp_access_groups: ['ops'],
      mcp_tool_permissions: { wiki: ['search'] },
      agents: ['travel', '*'],
      agent_access_groups: ['finance'],
    });
    expect(view).toMatchObject({ token: key.token, models: ['demo'], rpm_limit: 10 });
    expect(view).not.toHaveProperty('mcp');
    expect(view).not.toHaveProperty('agents');
  });
});

describe('teamView', () => {
  it('shows an unrestricted team with empty object_permission lists', () => {
    const team: TeamRecord = {
      teamId: 'team-ops',
      teamAlias: null,
      ...governance({ mcp: NO_MCP_RESTRICTIONS, agents: NO_AGENT_RESTRICTIONS }),
    };
    expect(teamView(team).object_permission).toEqual({
      mcp_servers: [],
      mcp_access_groups: [],
      mcp_tool_permissions: {},
      agents: [],
      agent_access_groups: [],
    });
  });
});
