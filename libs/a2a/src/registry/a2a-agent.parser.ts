import {
  isA2aAgentId,
  type A2aAgentPatch,
  type A2aAgentRecord,
  type A2aAuthType,
  type A2aProtocolVersion,
} from '@routeiq/persistence';
import { unmasked } from '@routeiq/common';
import { A2aException } from '../a2a.exception';
import { protocolVersionOf } from '../cards/a2a-card.reader';
import {
  A2A_AUTH_TYPES,
  FieldProblems,
  headerMap,
  headerName,
  headerValue,
  httpUrl,
  isObject,
  keyRpmLimit,
  stringList,
  text,
  type Body,
} from './a2a-agent-fields';
import { cardCapabilities, credentialPatch, union, type A2aAgentUpdate } from './a2a-agent-patch';

/** A parsed `POST /a2a/agents` body; the registry completes it from the agent's card. */
export interface A2aAgentRequest {
  /** Given explicitly; otherwise derived from the (given or card) name. */
  agentId: string | undefined;
  name: string | undefined;
  description: string | null | undefined;
  /** `agent_card_url`, or a lone `url` (no name): a card must be found there. */
  cardUrl: string | null;
  /** The seed's `url` given with a name: the JSON-RPC endpoint (a card is looked up, optional). */
  endpointUrl: string | null;
  capabilities: string[];
  /** `access_groups`: keys and teams listing one in `agent_access_groups` may call the agent. */
  accessGroups: string[];
  /** `key_rpm_limit`: requests per minute each key may send the agent. */
  keyRpmLimit: number | null;
  /** `protocol_version` / `metadata.protocol_version`, used when no card is found. */
  protocolVersion: A2aProtocolVersion | undefined;
  authType: A2aAuthType;
  authValue: string | null;
  apiKeyHeader: string | null;
  staticHeaders: Record<string, string>;
  timeoutMs: number | null;
  enabled: boolean;
}

const MAX_TIMEOUT_MS = 3_600_000;

/**
 * The seed's shape `{agent_id?, name, description?, url, capabilities?, metadata?}` or just
 * `{agent_card_url}` / `{url}`, plus `auth_type`, `credentials`, `static_headers`, `timeout_ms`,
 * `enabled`, `access_groups`, `key_rpm_limit`. @throws A2aException `invalid_a2a_agent` (400) naming every bad field.
 */
export function parseA2aAgentCreate(body: unknown): A2aAgentRequest {
  if (!isObject(body)) throw A2aException.invalidAgent(['body: must be a JSON object']);
  const problems = new FieldProblems();
  const name = body.name === undefined ? undefined : text(body.name, 'name', problems, 255);
  const url = body.url === undefined ? undefined : httpUrl(body.url, 'url', problems);
  const cardUrl =
    body.agent_card_url === undefined
      ? undefined
      : httpUrl(body.agent_card_url, 'agent_card_url', problems);
  if (url === undefined && cardUrl === undefined && !problems.first) {
    problems.add('url', 'is required (or agent_card_url)');
  }
  const request: A2aAgentRequest = {
    agentId: agentIdOf(body, problems),
    name,
    description: descriptionOf(body, problems),
    cardUrl: cardUrl ?? (name === undefined ? (url ?? null) : null),
    endpointUrl: name !== undefined || cardUrl !== undefined ? (url ?? null) : null,
    capabilities: stringList(body.capabilities, 'capabilities', problems),
    accessGroups: stringList(body.access_groups, 'access_groups', problems),
    keyRpmLimit: keyRpmLimit(body.key_rpm_limit, problems),
    protocolVersion: versionOf(body, problems),
    ...credentialsOf(body, problems),
    staticHeaders: headerMap(body.static_headers, 'static_headers', problems),
    timeoutMs: timeoutOf(body.timeout_ms, problems),
    enabled: enabledOf(body.enabled, problems),
  };
  if (problems.lines.length > 0) throw A2aException.invalidAgent(problems.lines, problems.first);
  return request;
}

/**
 * A `PUT /a2a/agents/{id}` body: any of `name`, `description`, `enabled`, `timeout_ms`,
 * `capabilities`, `access_groups`, `key_rpm_limit`, `auth_type`/`credentials`, `static_headers`
 * (masked values keep the stored ones), and `refresh_card: true`, a new `agent_card_url` or a new
 * endpoint `url` (the card is then fetched again). @throws A2aException `invalid_a2a_agent` (400) naming every bad field.
 */
export function parseA2aAgentUpdate(body: unknown, current: A2aAgentRecord): A2aAgentUpdate {
  if (!isObject(body)) throw A2aException.invalidAgent(['body: must be a JSON object']);
  const problems = new FieldProblems();
  if (body.agent_id !== undefined && body.agent_id !== current.agentId) {
    problems.add('agent_id', 'cannot be changed');
  }
  const patch: A2aAgentPatch = { ...credentialPatch(body, current, problems) };
  if (body.name !== undefined) patch.name = text(body.name, 'name', problems, 255);
  if (body.description !== undefined) patch.description = descriptionOf(body, problems);
  if (body.enabled !== undefined) patch.enabled = enabledOf(body.enabled, problems);
  if (body.timeout_ms !== undefined) patch.timeoutMs = timeoutOf(body.timeout_ms, problems);
  if (body.access_groups !== undefined) {
    patch.accessGroups = stringList(body.access_groups, 'access_groups', problems);
  }
  if (body.key_rpm_limit !== undefined) {
    patch.keyRpmLimit = keyRpmLimit(body.key_rpm_limit, problems);
  }
  const given = stringList(body.capabilities, 'capabilities', problems);
  const capabilities = body.capabilities === undefined ? undefined : given;
  if (capabilities) patch.capabilities = union(capabilities, cardCapabilities(current.card));
  if (body.static_headers !== undefined) {
    const headers = headerMap(body.static_headers, 'static_headers', problems);
    patch.staticHeaders = unmasked(headers, current.staticHeaders);
  }
  const source = cardSourceOf(body, current, problems);
  if (problems.lines.length > 0) throw A2aException.invalidAgent(problems.lines, problems.first);
  return { patch, capabilities, ...source };
}

function cardSourceOf(
  body: Body,
  current: A2aAgentRecord,
  problems: FieldProblems,
): Pick<A2aAgentUpdate, 'card' | 'endpointUrl'> {
  const cardUrl =
    body.agent_card_url === undefined
      ? undefined
      : httpUrl(body.agent_card_url, 'agent_card_url', problems);
  const url = body.url === undefined ? undefined : httpUrl(body.url, 'url', problems);
  if (body.refresh_card !== undefined && typeof body.refresh_card !== 'boolean') {
    problems.add('refresh_card', 'must be true or false');
  }
  if (cardUrl) return { card: { url: cardUrl, required: true }, endpointUrl: url };
  // Under a new endpoint a card is optional, as for a seed-style registration.
  if (url !== undefined && url !== current.url) {
    return { card: { url, required: false }, endpointUrl: url };
  }
  if (body.refresh_card === true) {
    return { card: { url: current.cardUrl ?? current.url, required: true }, endpointUrl: url };
  }
  return { card: null, endpointUrl: undefined };
}

function agentIdOf(body: Body, problems: FieldProblems): string | undefined {
  if (body.agent_id === undefined || body.agent_id === null) return undefined;
  if (typeof body.agent_id === 'string' && isA2aAgentId(body.agent_id)) return body.agent_id;
  problems.add('agent_id', 'must match [a-z0-9][a-z0-9_-]{0,63} (lower case)');
  return undefined;
}

function descriptionOf(body: Body, problems: FieldProblems): string | null | undefined {
  if (body.description === undefined) return undefined;
  if (body.description === null || body.description === '') return null;
  return text(body.description, 'description', problems, 2000);
}

function versionOf(body: Body, problems: FieldProblems): A2aProtocolVersion | undefined {
  if (body.metadata !== undefined && body.metadata !== null && !isObject(body.metadata)) {
    problems.add('metadata', 'must be an object');
  }
  const given =
    body.protocol_version ?? (isObject(body.metadata) ? body.metadata.protocol_version : undefined);
  if (given === undefined) return undefined;
  const version = protocolVersionOf(given);
  if (!version) problems.add('protocol_version', "must be '1.0' or '0.3'");
  return version;
}

function credentialsOf(
  body: Body,
  problems: FieldProblems,
): Pick<A2aAgentRequest, 'authType' | 'authValue' | 'apiKeyHeader'> {
  const nested = isObject(body.credentials) ? body.credentials : {};
  if (body.credentials !== undefined && body.credentials !== null && !isObject(body.credentials)) {
    problems.add('credentials', 'must be an object');
  }
  const rawValue = nested.auth_value ?? body.auth_value ?? null;
  const authValue =
    rawValue === null || rawValue === ''
      ? null
      : headerValue(rawValue, 'credentials.auth_value', problems);
  const header = nested.api_key_header ?? null;
  const apiKeyHeader =
    header === null ? null : headerName(header, 'credentials.api_key_header', problems);
  let authType: A2aAuthType = authValue ? (apiKeyHeader ? 'api_key' : 'bearer_token') : 'none';
  if (body.auth_type !== undefined) {
    const given = typeof body.auth_type === 'string' ? A2A_AUTH_TYPES[body.auth_type] : undefined;
    if (given) authType = given;
    else problems.add('auth_type', 'must be none, bearer_token or api_key');
  }
  if (authType === 'none') {
    if (authValue) problems.add('auth_type', 'is none, but a credential was given');
    return { authType, authValue: null, apiKeyHeader: null };
  }
  if (!authValue) problems.add('credentials.auth_value', `is required for auth_type ${authType}`);
  return { authType, authValue, apiKeyHeader: authType === 'api_key' ? apiKeyHeader : null };
}

function timeoutOf(value: unknown, problems: FieldProblems): number | null {
  if (value === undefined || value === null) return null;
  if (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 1 &&
    value <= MAX_TIMEOUT_MS
  ) {
    return Math.round(value);
  }
  problems.add('timeout_ms', 'must be a positive number of milliseconds up to one hour');
  return null;
}

function enabledOf(value: unknown, problems: FieldProblems): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'boolean') return value;
  problems.add('enabled', 'must be true or false');
  return true;
}
