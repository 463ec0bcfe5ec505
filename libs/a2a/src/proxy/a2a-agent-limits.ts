import type { GatewayRequest } from '@routeiq/common';
import type { A2aAgentRecord } from '@routeiq/persistence';
import { agentRpmLimitOf, resolvedKeyOf, type ScopedKeyLimits } from '@routeiq/security';

/**
 * The rates of a call to `agent`: each key's — the agent's `key_rpm_limit`, narrowed by the key's
 * own `metadata.agent_rpm_limit` for it (the lower wins) — and the key's team's, its
 * `metadata.agent_rpm_limit` for the agent, summed over the team's keys. Undefined when none is set.
 */
export function perAgentLimits(
  req: GatewayRequest,
  agent: Pick<A2aAgentRecord, 'agentId' | 'keyRpmLimit'>,
): ScopedKeyLimits | undefined {
  const resolved = resolvedKeyOf(req);
  const own = resolved ? agentRpmLimitOf(resolved.key.metadata, agent.agentId) : undefined;
  const keyLimits = [agent.keyRpmLimit, own].filter((limit) => typeof limit === 'number');
  const team = resolved?.team ? agentRpmLimitOf(resolved.team.metadata, agent.agentId) : undefined;
  if (keyLimits.length === 0 && team === undefined) return undefined;
  return {
    scope: `a2a:${agent.agentId}`,
    label: `on agent ${JSON.stringify(agent.agentId)}`,
    limits: keyLimits.length === 0 ? {} : { rpm: Math.min(...keyLimits) },
    ...(team !== undefined && { teamLimits: { rpm: team } }),
  };
}
