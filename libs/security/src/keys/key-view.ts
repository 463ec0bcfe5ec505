import type { GovernanceFields, TeamRecord, VirtualKeyRecord } from '@routeiq/persistence';

/** MCP and agent permissions in LiteLLM's `object_permission` shape. */
export function objectPermissionView(
  record: Pick<GovernanceFields, 'mcp' | 'agents'>,
): Record<string, unknown> {
  const { mcp, agents } = record;
  return {
    mcp_servers: mcp.servers,
    mcp_access_groups: mcp.accessGroups,
    mcp_tool_permissions: mcp.tools,
    agents: agents.agents,
    agent_access_groups: agents.accessGroups,
  };
}

function governanceView(record: GovernanceFields): Record<string, unknown> {
  return {
    models: record.models,
    max_budget: record.maxBudget,
    budget_duration: record.budgetDuration,
    budget_reset_at: record.budgetResetAt?.toISOString() ?? null,
    spend: record.spend,
    rpm_limit: record.rpmLimit,
    tpm_limit: record.tpmLimit,
    blocked: record.blocked,
    metadata: record.metadata,
    object_permission: objectPermissionView(record),
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}

/** A key as the admin API shows it (LiteLLM field names). Never holds the plaintext. */
export function keyView(key: VirtualKeyRecord): Record<string, unknown> {
  return {
    token: key.token,
    key_name: key.keyName,
    key_alias: key.keyAlias,
    team_id: key.teamId,
    user_id: key.userId,
    permissions: key.permissions,
    expires: key.expiresAt?.toISOString() ?? null,
    ...governanceView(key),
  };
}

export function teamView(team: TeamRecord): Record<string, unknown> {
  return { team_id: team.teamId, team_alias: team.teamAlias, ...governanceView(team) };
}
