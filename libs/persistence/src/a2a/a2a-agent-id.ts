/** Shape of an A2A agent id: a slug used in gateway URLs (`/a2a/{agentId}`). */
export const A2A_AGENT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function isA2aAgentId(value: string): boolean {
  return A2A_AGENT_ID_PATTERN.test(value);
}
