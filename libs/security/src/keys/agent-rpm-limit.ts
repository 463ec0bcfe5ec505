import { CommonException } from '@routeiq/common';
import { isA2aAgentId } from '@routeiq/persistence';

/**
 * `metadata.agent_rpm_limit` of a key or team: `{ "<agent id>": <requests per minute> }`, the key's
 * own rate per A2A agent, or the team's summed over its keys (like LiteLLM's `model_rpm_limit`).
 */
export const AGENT_RPM_LIMIT_FIELD = 'agent_rpm_limit';

/** The key's or team's rate for `agentId`, or undefined when its metadata sets none. */
export function agentRpmLimitOf(
  metadata: Readonly<Record<string, unknown>>,
  agentId: string,
): number | undefined {
  const limits = metadata[AGENT_RPM_LIMIT_FIELD];
  if (typeof limits !== 'object' || limits === null || !Object.hasOwn(limits, agentId)) {
    return undefined;
  }
  const limit = (limits as Record<string, unknown>)[agentId];
  // Checked on write; a row written before the check landed may hold anything.
  return typeof limit === 'number' && Number.isFinite(limit) && limit >= 0 ? limit : undefined;
}

/**
 * Refuses a `metadata.agent_rpm_limit` that is not an object of agent id to an integer >= 0:
 * a typo ("10" for 10) would otherwise silently mean no limit.
 */
export function checkAgentRpmLimits(metadata: Readonly<Record<string, unknown>>): void {
  const value = metadata[AGENT_RPM_LIMIT_FIELD];
  if (value === undefined || value === null) return;
  const param = `metadata.${AGENT_RPM_LIMIT_FIELD}`;
  const fail = (message: string): never => {
    throw CommonException.invalidRequest(message, param);
  };
  if (typeof value !== 'object' || Array.isArray(value)) {
    fail(`"${param}" must be an object of agent id to requests per minute`);
  }
  for (const [agentId, limit] of Object.entries(value)) {
    if (!isA2aAgentId(agentId))
      fail(`"${param}" has an invalid agent id "${agentId.slice(0, 80)}"`);
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) {
      fail(`"${param}.${agentId}" must be an integer >= 0`);
    }
  }
}
