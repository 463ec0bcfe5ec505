import {
  NO_AGENT_RESTRICTIONS,
  NO_MCP_RESTRICTIONS,
  type GovernanceFields,
  type TeamRecord,
  type VirtualKeyRecord,
} from '@routeiq/persistence';
import { guardrailsOf } from './key-guardrails';
import type { ResolvedKey } from './resolved-key';

const T0 = new Date('2026-01-01T00:00:00.000Z');

function governance(metadata: Record<string, unknown>): GovernanceFields {
  return {
    models: [],
    maxBudget: null,
    budgetDuration: null,
    budgetResetAt: null,
    spend: 0,
    rpmLimit: null,
    tpmLimit: null,
    blocked: false,
    metadata,
    mcp: NO_MCP_RESTRICTIONS,
    agents: NO_AGENT_RESTRICTIONS,
    createdAt: T0,
    updatedAt: T0,
  };
}

function resolved(
  keyMetadata: Record<string, unknown>,
  teamMetadata?: Record<string, unknown>,
): ResolvedKey {
  const key: VirtualKeyRecord = {
    ...governance(keyMetadata),
    token: 'a'.repeat(64),
    keyName: 'sk-...aaaa',
    keyAlias: null,
    teamId: teamMetadata ? 'team-1' : null,
    userId: null,
    permissions: [],
    expiresAt: null,
  };
  const team: TeamRecord | null = teamMetadata
    ? { ...governance(teamMetadata), teamId: 'team-1', teamAlias: null }
    : null;
  return { key, team, keyId: 'vk-1', loadedAt: 0 };
}

describe('guardrailsOf', () => {
  it("takes the key's own selection over its team's", () => {
    const entry = resolved({ guardrails: ['pii'] }, { guardrails: ['llamaguard', 'bedrock'] });
    expect(guardrailsOf(entry)).toEqual(['pii']);
  });

  it("falls back on the team's selection, then on none (every enabled guardrail)", () => {
    expect(guardrailsOf(resolved({ owner: 'ci' }, { guardrails: ['content_filter'] }))).toEqual([
      'content_filter',
    ]);
    expect(guardrailsOf(resolved({}, { owner: 'ops' }))).toBeUndefined();
    expect(guardrailsOf(resolved({}))).toBeUndefined();
  });

  it('keeps an empty selection (no guardrail runs) and drops entries that are not names', () => {
    expect(guardrailsOf(resolved({ guardrails: [] }, { guardrails: ['pii'] }))).toEqual([]);
    expect(guardrailsOf(resolved({ guardrails: ['pii', 7, null, 'bedrock'] }))).toEqual([
      'pii',
      'bedrock',
    ]);
  });

  it('ignores a selection that is not an array', () => {
    expect(guardrailsOf(resolved({ guardrails: 'pii' }, { guardrails: ['bedrock'] }))).toEqual([
      'bedrock',
    ]);
  });

  it('reads the metadata once per cached entry', () => {
    const entry = resolved({ guardrails: ['pii'] });
    const first = guardrailsOf(entry);
    entry.key.metadata.guardrails = ['bedrock'];
    expect(guardrailsOf(entry)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});
