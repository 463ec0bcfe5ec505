import {
  collect,
  parseHttpUrl,
  parseLabel,
  parseList,
  parseRegistryId,
  type Parsed,
} from './form-validation';
import type { BodyResult } from './governance-form';

export type AuthType = 'none' | 'bearer_token' | 'api_key';

/** The MCP server registration form as typed. */
export interface McpServerDraft {
  readonly name: string;
  readonly id: string;
  readonly url: string;
  readonly transport: 'streamable_http' | 'sse';
  readonly description: string;
  readonly authType: AuthType;
  /** The credential: sent once, never shown back by the gateway. */
  readonly authValue: string;
  readonly apiKeyHeader: string;
  readonly accessGroups: string;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

function credentialFields(
  authType: AuthType,
  authValue: string,
  apiKeyHeader: string,
): Parsed<Record<string, unknown>> {
  if (authType === 'none') return { ok: true, value: { auth_type: 'none' } };
  if (authValue.trim() === '')
    return { ok: false, error: 'Enter the credential, or choose no auth' };
  const header = apiKeyHeader.trim();
  if (authType === 'api_key' && header !== '' && !HEADER_NAME.test(header)) {
    return { ok: false, error: 'The header name has characters a header cannot have' };
  }
  const credentials: Record<string, unknown> = { auth_value: authValue.trim() };
  if (authType === 'api_key' && header !== '') credentials.api_key_header = header;
  return { ok: true, value: { auth_type: authType, credentials } };
}

/** `POST /llmrouter/mcp/servers` body. */
export function mcpServerBody(draft: McpServerDraft): BodyResult {
  const parsed = collect({
    server_name: parseLabel(draft.name, false, 200),
    server_id: parseRegistryId(draft.id),
    url: parseHttpUrl(draft.url),
    description: parseLabel(draft.description, true, 2000),
    auth: credentialFields(draft.authType, draft.authValue, draft.apiKeyHeader),
  });
  if (!parsed.values) return { body: null, errors: parsed.errors };
  const { auth, server_id, description, ...rest } = parsed.values;
  const groups = parseList(draft.accessGroups);
  return {
    body: {
      ...rest,
      transport: draft.transport,
      ...(server_id !== null && { server_id }),
      ...(description !== null && { description }),
      ...(groups.length > 0 && { mcp_access_groups: groups }),
      ...auth,
    },
    errors: null,
  };
}

/** The A2A agent registration form: by card URL, or by name and JSON-RPC endpoint. */
export interface A2aAgentDraft {
  readonly mode: 'card' | 'endpoint';
  readonly cardUrl: string;
  readonly name: string;
  readonly url: string;
  readonly id: string;
  readonly description: string;
  readonly authType: AuthType;
  readonly authValue: string;
  readonly accessGroups: string;
}

/** `POST /a2a/agents` body. */
export function a2aAgentBody(draft: A2aAgentDraft): BodyResult {
  const byCard = draft.mode === 'card';
  const parsed = collect({
    agent_card_url: byCard ? parseHttpUrl(draft.cardUrl) : ok(null),
    name: byCard ? parseLabel(draft.name) : parseLabel(draft.name, false),
    url: byCard ? ok(null) : parseHttpUrl(draft.url),
    agent_id: parseRegistryId(draft.id),
    description: parseLabel(draft.description, true, 2000),
    auth: credentialFields(draft.authType, draft.authValue, ''),
  });
  if (!parsed.values) return { body: null, errors: parsed.errors };
  const { auth, ...fields } = parsed.values;
  const groups = parseList(draft.accessGroups);
  const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
  return {
    body: {
      ...present,
      ...(groups.length > 0 && { access_groups: groups }),
      ...(auth.auth_type === 'none' ? {} : auth),
    },
    errors: null,
  };
}

function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}
