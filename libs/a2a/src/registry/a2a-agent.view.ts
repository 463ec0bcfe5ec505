import { MASKED_VALUE, maskValues } from '@routeiq/common';
import type { A2aAgentRecord, A2aAuthType, A2aProtocolVersion } from '@routeiq/persistence';
import { summarizeAgentCard, type A2aSkillSummary } from '../cards/a2a-card.reader';

/** What a view shows instead of a static header value. */
export { MASKED_VALUE };

/**
 * A registered agent as any caller allowed to call it sees it (snake_case): what it does and
 * where to call it on the gateway, never how the gateway reaches it.
 */
export interface A2aAgentView {
  agent_id: string;
  name: string;
  description: string | null;
  protocol_version: A2aProtocolVersion;
  capabilities: string[];
  skills: A2aSkillSummary[];
  /** Path of the agent on this gateway. */
  gateway_url: string;
  access_groups: string[];
  /** Requests per minute each key may send the agent; null when unlimited. */
  key_rpm_limit: number | null;
  timeout_ms: number | null;
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

/**
 * The view of an admin (or a key holding `a2a.agent.write`): also the upstream endpoint, card URL,
 * header names and auth details — never the credential, header values masked.
 */
export interface A2aAgentAdminView extends A2aAgentView {
  /** The upstream JSON-RPC endpoint. */
  url: string;
  card_url: string | null;
  auth_type: A2aAuthType;
  api_key_header: string | null;
  has_credentials: boolean;
  /** Header names with masked values. */
  static_headers: Record<string, string>;
  created_by: string | null;
  updated_by: string | null;
}

/** `admin`: the caller manages agents and may see how the gateway reaches them. */
export function toA2aAgentView(record: A2aAgentRecord, admin: true): A2aAgentAdminView;
export function toA2aAgentView(record: A2aAgentRecord, admin: boolean): A2aAgentView;
export function toA2aAgentView(record: A2aAgentRecord, admin: boolean): A2aAgentView {
  const view: A2aAgentView = {
    agent_id: record.agentId,
    name: record.name,
    description: record.description,
    protocol_version: record.protocolVersion,
    capabilities: [...record.capabilities],
    skills: skillsOf(record.card),
    gateway_url: `/a2a/${record.agentId}`,
    access_groups: [...record.accessGroups],
    key_rpm_limit: record.keyRpmLimit,
    timeout_ms: record.timeoutMs,
    enabled: record.enabled,
    created_at: iso(record.createdAt),
    updated_at: iso(record.updatedAt),
  };
  return admin ? { ...view, ...upstreamFields(record) } : view;
}

function upstreamFields(record: A2aAgentRecord): Omit<A2aAgentAdminView, keyof A2aAgentView> {
  return {
    url: record.url,
    card_url: record.cardUrl,
    auth_type: record.authType,
    api_key_header: record.authType === 'api_key' ? (record.apiKeyHeader ?? 'X-API-Key') : null,
    has_credentials: record.authValue !== null && record.authValue !== '',
    static_headers: maskValues(record.staticHeaders),
    created_by: record.createdBy,
    updated_by: record.updatedBy,
  };
}

function skillsOf(card: Record<string, unknown>): A2aSkillSummary[] {
  if (Object.keys(card).length === 0) return [];
  try {
    return summarizeAgentCard(card).skills;
  } catch {
    return [];
  }
}

// Drivers hand some timestamp columns back as strings.
function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
