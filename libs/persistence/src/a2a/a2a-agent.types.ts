/** A2A protocol line an upstream agent speaks (from its card). */
export type A2aProtocolVersion = '1.0' | '0.3';

/** Credential the gateway sends to an upstream agent (besides its static headers). */
export type A2aAuthType = 'none' | 'bearer_token' | 'api_key';

/** One registered upstream A2A agent. */
export interface A2aAgentRecord {
  /** Slug `[a-z0-9][a-z0-9_-]{0,63}`: the agent's id in gateway URLs (`/a2a/{agentId}`). */
  agentId: string;
  name: string;
  description: string | null;
  /** The agent's JSON-RPC endpoint (from its card, or given at registration). */
  url: string;
  /** Where its card was fetched from; null when registered without one. */
  cardUrl: string | null;
  /** The upstream card as fetched and validated (URLs not rewritten). */
  card: Record<string, unknown>;
  protocolVersion: A2aProtocolVersion;
  /** Skill ids/tags and capability names, for `?capability=` filtering. */
  capabilities: string[];
  /**
   * Access groups the agent belongs to: a key or team whose `object_permission` lists one of them
   * in `agent_access_groups` may call it.
   */
  accessGroups: string[];
  /** Requests per UTC minute each key may send this agent; null means no per-agent limit. */
  keyRpmLimit: number | null;
  authType: A2aAuthType;
  /** Bearer token or API key. A secret: never in a view, a log line or an audit record. */
  authValue: string | null;
  apiKeyHeader: string | null;
  staticHeaders: Record<string, string>;
  /** Per-call timeout; null means `A2A_REQUEST_TIMEOUT_MS`. */
  timeoutMs: number | null;
  enabled: boolean;
  createdBy: string | null;
  updatedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type A2aAgentInput = Omit<A2aAgentRecord, 'createdAt' | 'updatedAt'>;

export type A2aAgentPatch = Partial<
  Omit<A2aAgentRecord, 'agentId' | 'createdAt' | 'createdBy' | 'updatedAt'>
>;

/**
 * A2A access of a key or team (LiteLLM's `object_permission.agents` and `agent_access_groups`).
 * A holder with neither may call every agent; otherwise an agent is callable when listed (or `*`)
 * or in a listed access group.
 */
export interface AgentPermissions {
  agents: string[];
  accessGroups: string[];
}

export const NO_AGENT_RESTRICTIONS: Readonly<AgentPermissions> = Object.freeze({
  agents: [],
  accessGroups: [],
});
