import { MASKED_VALUE } from '@routeiq/common';
import type { A2aAgentPatch, A2aAgentRecord, A2aAuthType } from '@routeiq/persistence';
import type { FetchedAgentCard } from '../cards/a2a-card.fetcher';
import { summarizeAgentCard } from '../cards/a2a-card.reader';
import {
  A2A_AUTH_TYPES,
  headerName,
  headerValue,
  isObject,
  type Body,
  type FieldProblems,
} from './a2a-agent-fields';

/** A parsed `PUT /a2a/agents/{id}` body; the admin service completes it from a fetched card. */
export interface A2aAgentUpdate {
  /** The fields the body gives (card-derived ones come from `card`). */
  patch: A2aAgentPatch;
  /** `capabilities` as given, before the card's are added. */
  capabilities: string[] | undefined;
  /** Where to fetch a new card; `required` unless it is only looked up under a new endpoint. */
  card: { url: string; required: boolean } | null;
  /** A new endpoint `url`: it wins over the one a card declares. */
  endpointUrl: string | undefined;
}

/** The capabilities an agent's stored card contributed (skill ids/tags, streaming...). */
export function cardCapabilities(card: Record<string, unknown>): string[] {
  if (Object.keys(card).length === 0) return [];
  try {
    return summarizeAgentCard(card).capabilities;
  } catch {
    return [];
  }
}

export function union(...lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

/**
 * The credential fields of an update: untouched unless `auth_type` or a credential is given;
 * a kept auth type keeps its stored secret when no new one is sent.
 */
export function credentialPatch(
  body: Body,
  current: A2aAgentRecord,
  problems: FieldProblems,
): Pick<A2aAgentPatch, 'authType' | 'authValue' | 'apiKeyHeader'> {
  if (body.credentials !== undefined && body.credentials !== null && !isObject(body.credentials)) {
    problems.add('credentials', 'must be an object');
  }
  const nested = isObject(body.credentials) ? body.credentials : {};
  const rawValue = nested.auth_value ?? body.auth_value;
  const rawHeader = nested.api_key_header;
  if (body.auth_type === undefined && rawValue === undefined && rawHeader === undefined) return {};
  const given =
    rawValue === undefined || rawValue === null || rawValue === '' || rawValue === MASKED_VALUE
      ? null
      : headerValue(rawValue, 'credentials.auth_value', problems);
  const header =
    rawHeader === undefined || rawHeader === null
      ? null
      : headerName(rawHeader, 'credentials.api_key_header', problems);
  const authType = authTypeOf(body, current, given, header, problems);
  if (authType === 'none') {
    if (given) problems.add('auth_type', 'is none, but a credential was given');
    return { authType, authValue: null, apiKeyHeader: null };
  }
  const authValue = given ?? (authType === current.authType ? current.authValue : null);
  if (!authValue) problems.add('credentials.auth_value', `is required for auth_type ${authType}`);
  const apiKeyHeader = authType === 'api_key' ? (header ?? current.apiKeyHeader) : null;
  return { authType, authValue, apiKeyHeader };
}

function authTypeOf(
  body: Body,
  current: A2aAgentRecord,
  value: string | null,
  header: string | null,
  problems: FieldProblems,
): A2aAuthType {
  if (body.auth_type === undefined) {
    if (current.authType !== 'none' || !value) return current.authType;
    return header ? 'api_key' : 'bearer_token';
  }
  const given = typeof body.auth_type === 'string' ? A2A_AUTH_TYPES[body.auth_type] : undefined;
  if (!given) problems.add('auth_type', 'must be none, bearer_token or api_key');
  return given ?? current.authType;
}

/** The update's patch with the fetched card's fields (card, URLs, version, capabilities). */
export function withCard(
  update: A2aAgentUpdate,
  fetched: FetchedAgentCard | null,
  current: A2aAgentRecord,
): A2aAgentPatch {
  const patch: A2aAgentPatch = { ...update.patch };
  if (update.endpointUrl !== undefined) patch.url = update.endpointUrl;
  if (!fetched) return patch;
  const previous = cardCapabilities(current.card);
  const manual =
    update.capabilities ?? current.capabilities.filter((name) => !previous.includes(name));
  return {
    ...patch,
    card: fetched.card,
    cardUrl: fetched.cardUrl,
    url: update.endpointUrl ?? fetched.summary.endpointUrl,
    protocolVersion: fetched.summary.protocolVersion,
    capabilities: union(manual, fetched.summary.capabilities),
  };
}
