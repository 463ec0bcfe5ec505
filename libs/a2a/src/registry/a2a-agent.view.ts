import { MASKED_VALUE, maskValues } from '@routeiq/common';
import type { A2aAgentRecord, A2aAuthType, A2aProtocolVersion } from '@routeiq/persistence';
import { summarizeAgentCard, type A2aSkillSummary } from '../cards/a2a-card.reader';

/** What a view shows instead of a static header value. */
export { MASKED_VALUE };

/** A registered agent as the REST API shows it (snake_case); never the credential. */
export interface A2aAgentView {
  agent_id: string;
  name: string;
  description: string | null;
  /** The upstream JSON-RPC endpoint. */
  url: string;
  protocol_version: A2aProtocolVersion;
  capabilities: string[];
  skills: A2aSkillSummary[];
  card_url: string | null;
  /** Path of the agent on this gateway. */
  gateway_url: string;
  auth_type: A2aAuthType;
  api_key_header: string | null;
  has_credentials: boolean;
  /** Header names with masked values. */
  static_headers: Record<string, string>;
  timeout_ms: number | null;
  enabled: boolean;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  updated_by: string | null;
}

export function toA2aAgentView(record: A2aAgentRecord): A2aAgentView {
  return {
    agent_id: record.agentId,
    name: record.name,
    description: record.description,
    url: record.url,
    protocol_version: record.protocolVersion,
    capabilities: [...record.capabilities],
    skills: skillsOf(record.card),
    card_url: record.cardUrl,
    gateway_url: `/a2a/${record.agentId}`,
    auth_type: record.authType,
    api_key_header: record.authType === 'api_key' ? (record.apiKeyHeader ?? 'X-API-Key') : null,
    has_credentials: record.authValue !== null && record.authValue !== '',
    static_headers: maskValues(record.staticHeaders),
    timeout_ms: record.timeoutMs,
    enabled: record.enabled,
    created_at: iso(record.createdAt),
    updated_at: iso(record.updatedAt),
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
