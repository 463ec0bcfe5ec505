import type { GatewayRequest } from '@routeiq/common';
import {
  NO_AGENT_RESTRICTIONS,
  type A2aAgentRecord,
  type AgentPermissions,
} from '@routeiq/persistence';
import { resolvedKeyOf } from '@routeiq/security';
import { A2aException } from '../a2a.exception';

/** The parts of an agent record access decisions read. */
export type A2aAgentAccessTarget = Pick<A2aAgentRecord, 'agentId' | 'accessGroups'>;

/**
 * Which A2A agents one caller may call: the agent permissions of its key and of its key's team
 * (both must allow), or nothing to check for an admin principal.
 */
export interface A2aCallerAccess {
  /** Admin and master keys: every agent. */
  readonly unrestricted: boolean;
  /** The key's permissions, then its team's (when it has one). */
  readonly grants: readonly AgentPermissions[];
}

export const UNRESTRICTED_A2A_ACCESS: A2aCallerAccess = Object.freeze({
  unrestricted: true,
  grants: [],
});

/**
 * The caller's A2A access. A request without a resolved key (admin principals) is unrestricted;
 * a key or team record without agent permissions (older rows) has no restrictions.
 */
export function a2aAccessOf(req: GatewayRequest): A2aCallerAccess {
  const kind = req.principal?.kind;
  if (kind === 'admin' || kind === 'master') return UNRESTRICTED_A2A_ACCESS;
  const resolved = resolvedKeyOf(req);
  if (!resolved) return UNRESTRICTED_A2A_ACCESS;
  const grants = [permissionsOf(resolved.key)];
  if (resolved.team) grants.push(permissionsOf(resolved.team));
  return { unrestricted: false, grants };
}

/** Both the key's and the team's permissions must allow the agent. */
export function mayCallAgent(access: A2aCallerAccess, agent: A2aAgentAccessTarget): boolean {
  return access.unrestricted || access.grants.every((grant) => grantAllowsAgent(grant, agent));
}

/** @throws A2aException `a2a_agent_access_denied` (403) when the caller may not call `agent`. */
export function assertMayCallAgent(req: GatewayRequest, agent: A2aAgentAccessTarget): void {
  if (!mayCallAgent(a2aAccessOf(req), agent)) throw A2aException.agentAccessDenied(agent.agentId);
}

/**
 * One holder's rule: with no agents and no access groups every agent is callable; otherwise the
 * agent must be listed (or `*`) or belong to a listed access group.
 */
export function grantAllowsAgent(grant: AgentPermissions, agent: A2aAgentAccessTarget): boolean {
  if (grant.agents.length === 0 && grant.accessGroups.length === 0) return true;
  if (grant.agents.includes(agent.agentId) || grant.agents.includes('*')) return true;
  return agent.accessGroups.some((group) => grant.accessGroups.includes(group));
}

function permissionsOf(holder: object): AgentPermissions {
  const value = (holder as { agents?: Partial<AgentPermissions> | null }).agents;
  if (!value) return NO_AGENT_RESTRICTIONS;
  return {
    agents: Array.isArray(value.agents) ? value.agents : [],
    accessGroups: Array.isArray(value.accessGroups) ? value.accessGroups : [],
  };
}
