import { unmasked } from '@routeiq/common';
import {
  isMcpServerId,
  mcpServerDefaults,
  type McpAuthType,
  type McpServerInput,
  type McpServerPatch,
  type McpServerRecord,
  type McpTransport,
} from '@routeiq/persistence';
import { McpException } from '../mcp.exception';
import {
  argList,
  bool,
  envMap,
  FieldProblems,
  headerMap,
  headerName,
  headerValue,
  httpUrl,
  optionalText,
  pick,
  slugOf,
  stringList,
  text,
  type Body,
} from './mcp-server-fields';
import { changes, draftOf } from './mcp-server-patch';

/** What a client may set on a server: everything but the audit fields. */
export type McpServerDraft = Omit<McpServerInput, 'createdBy' | 'updatedBy'>;

export interface McpServerParseOptions {
  /** `LLMROUTER_MCP_STDIO_ENABLED`. */
  readonly stdioEnabled: boolean;
}

const TRANSPORTS: Readonly<Record<string, McpTransport>> = {
  streamable_http: 'streamable_http',
  'streamable-http': 'streamable_http',
  http: 'streamable_http',
  sse: 'sse',
  stdio: 'stdio',
};
const AUTH_TYPES: Readonly<Record<string, McpAuthType>> = {
  none: 'none',
  bearer_token: 'bearer_token',
  bearer: 'bearer_token',
  api_key: 'api_key',
};
const MAX_TIMEOUT_MS = 3_600_000;
const AUTH_VALUES = ['auth_value', 'api_key'];

const defaults = (): Omit<McpServerDraft, 'serverId' | 'serverName'> => ({
  ...mcpServerDefaults(),
  url: null,
});

/** The fields a body sets, plus what its credential fields imply. */
interface BodyFields extends Partial<McpServerDraft> {
  /** `auth_type` was absent but a credential implies one (`api_key` → api_key, else bearer). */
  impliedAuth?: McpAuthType;
}

/**
 * A create body in the seed's / LiteLLM's field names. `server_id` defaults to a slug of the name.
 * @throws McpException `invalid_mcp_server` (400) naming every bad field, `mcp_stdio_disabled`.
 */
export function parseMcpServerCreate(
  body: unknown,
  options: McpServerParseOptions,
): McpServerDraft {
  const problems = new FieldProblems();
  const draft = readMcpServerCreate(asBody(body), problems);
  if (draft.transport === 'stdio' && !options.stdioEnabled) throw McpException.stdioDisabled();
  throwIfAny(problems);
  return draft;
}

/** Like `parseMcpServerCreate`, but notes every problem instead of throwing (stdio allowed). */
export function readMcpServerCreate(body: Body, problems: FieldProblems): McpServerDraft {
  const fields = readFields(body, problems);
  const serverName = fields.serverName ?? fields.serverId;
  const serverId = fields.serverId ?? (serverName === undefined ? undefined : slugOf(serverName));
  if (serverName === undefined) problems.add('server_name', 'is required');
  else if (serverId === undefined) {
    problems.add('server_id', 'is required: the name gives no usable id ([a-z0-9_-])');
  }
  const draft: McpServerDraft = {
    ...defaults(),
    ...withoutImplied(fields),
    serverId: serverId ?? '',
    serverName: serverName ?? '',
  };
  applyImpliedAuth(draft, fields);
  checkConsistency(draft, fields, problems);
  return draft;
}

/**
 * An update body applied to `current`: only the fields it changes. A `static_headers` value equal
 * to the mask a view shows keeps the stored value, so a view can be sent back as it is.
 * @throws McpException `invalid_mcp_server` (400), `mcp_stdio_disabled`.
 */
export function parseMcpServerUpdate(
  body: unknown,
  current: McpServerRecord,
  options: McpServerParseOptions,
): McpServerPatch {
  const problems = new FieldProblems();
  const fields = readFields(asBody(body), problems);
  if (fields.serverId !== undefined && fields.serverId !== current.serverId) {
    problems.add('server_id', 'cannot be changed');
  }
  if (fields.staticHeaders) {
    fields.staticHeaders = unmasked(fields.staticHeaders, current.staticHeaders, true);
  }
  if (fields.env) fields.env = unmasked(fields.env, current.env, false);
  const merged: McpServerDraft = { ...draftOf(current), ...withoutImplied(fields) };
  if (fields.authType === undefined && fields.impliedAuth && current.authType === 'none') {
    applyImpliedAuth(merged, fields);
  }
  const touchesStdio = ['transport', 'command', 'args', 'env'].some(
    (key) => fields[key as keyof BodyFields] !== undefined,
  );
  if (merged.transport === 'stdio' && touchesStdio && !options.stdioEnabled) {
    throw McpException.stdioDisabled();
  }
  checkConsistency(merged, fields, problems);
  throwIfAny(problems);
  return changes(merged, current);
}

/** `server_id` of a body (LiteLLM's `PUT /v1/mcp/server` names the server in its body). */
export function serverIdOfBody(body: unknown): string {
  const value = asBody(body).server_id;
  if (typeof value === 'string' && isMcpServerId(value)) return value;
  throw McpException.invalidServer(['server_id: is required'], 'server_id');
}

function asBody(body: unknown): Body {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Body;
  throw McpException.invalidServer(['body: must be a JSON object']);
}

function readFields(body: Body, problems: FieldProblems): BodyFields {
  const fields: BodyFields = {};
  readIdentity(body, fields, problems);
  readConnection(body, fields, problems);
  readCredentials(body, fields, problems);
  readAccess(body, fields, problems);
  return fields;
}

function readIdentity(body: Body, fields: BodyFields, problems: FieldProblems): void {
  if (body.server_id !== undefined) {
    const id = body.server_id;
    if (typeof id === 'string' && isMcpServerId(id)) fields.serverId = id;
    else problems.add('server_id', 'must match [a-z0-9][a-z0-9_-]{0,63} (no dots, lower case)');
  }
  const name = pick(body, ['server_name', 'name', 'alias']);
  if (name) fields.serverName = text(name.value, name.name, problems, 200);
  if (body.description !== undefined) {
    fields.description = optionalText(body.description, 'description', problems, 2000);
  }
  if (body.enabled !== undefined) fields.enabled = bool(body.enabled, 'enabled', problems);
}

function readConnection(body: Body, fields: BodyFields, problems: FieldProblems): void {
  if (body.transport !== undefined) {
    const transport = typeof body.transport === 'string' ? TRANSPORTS[body.transport] : undefined;
    if (transport) fields.transport = transport;
    else problems.add('transport', 'must be streamable_http, http, sse or stdio');
  }
  if (body.url !== undefined) fields.url = httpUrl(body.url, 'url', problems);
  if (body.command !== undefined) {
    fields.command = optionalText(body.command, 'command', problems, 1024);
  }
  if (body.args !== undefined) fields.args = argList(body.args, 'args', problems);
  if (body.env !== undefined) fields.env = envMap(body.env, 'env', problems);
  const timeout = readTimeout(body, problems);
  if (timeout !== undefined) fields.timeoutMs = timeout;
}

/** `timeout_ms` (milliseconds) wins over `timeout` (seconds, as LiteLLM's timeouts are). */
function readTimeout(body: Body, problems: FieldProblems): number | null | undefined {
  const given = pick(body, ['timeout_ms', 'timeout']);
  if (!given || given.value === null) return given ? null : undefined;
  const ms = given.name === 'timeout' ? Number(given.value) * 1000 : Number(given.value);
  const ok = typeof given.value === 'number' && Number.isFinite(ms) && ms >= 1;
  if (!ok || ms > MAX_TIMEOUT_MS) {
    const unit = given.name === 'timeout' ? 'seconds' : 'milliseconds';
    problems.add(given.name, `must be a positive number of ${unit} up to one hour`);
    return undefined;
  }
  return Math.round(ms);
}

function readCredentials(body: Body, fields: BodyFields, problems: FieldProblems): void {
  if (body.auth_type !== undefined) {
    const type = typeof body.auth_type === 'string' ? AUTH_TYPES[body.auth_type] : undefined;
    if (type) fields.authType = type;
    else problems.add('auth_type', 'must be none, bearer_token or api_key');
  }
  const credentials = body.credentials;
  if (credentials !== undefined && credentials !== null && !isObject(credentials)) {
    problems.add('credentials', 'must be an object');
  }
  const nested: Body = isObject(credentials) ? credentials : {};
  const inner = pick(nested, ['auth_value']);
  const value = inner ? { ...inner, name: 'credentials.auth_value' } : pick(body, AUTH_VALUES);
  if (value) {
    fields.authValue =
      value.value === null || value.value === ''
        ? null
        : headerValue(value.value, value.name, problems);
    const apiKey = value.name === 'api_key' || typeof nested.api_key_header === 'string';
    if (fields.authValue) fields.impliedAuth = apiKey ? 'api_key' : 'bearer_token';
  }
  if (nested.api_key_header !== undefined) {
    const header = nested.api_key_header;
    fields.apiKeyHeader =
      header === null ? null : headerName(header, 'credentials.api_key_header', problems);
  }
  if (body.static_headers !== undefined) {
    fields.staticHeaders = headerMap(body.static_headers, 'static_headers', problems);
  }
}

function readAccess(body: Body, fields: BodyFields, problems: FieldProblems): void {
  if (body.mcp_access_groups !== undefined) {
    fields.accessGroups = stringList(body.mcp_access_groups, 'mcp_access_groups', problems);
  }
  if (body.allowed_tools !== undefined) {
    fields.allowedTools = stringList(body.allowed_tools, 'allowed_tools', problems);
  }
}

/** Cross-field rules on the server as it would be stored; clears fields its transport ignores. */
function checkConsistency(
  draft: McpServerDraft,
  fields: BodyFields,
  problems: FieldProblems,
): void {
  if (draft.transport === 'stdio') {
    draft.url = null;
    if (!draft.command) problems.add('command', 'is required for the stdio transport');
  } else {
    draft.command = null;
    draft.args = [];
    draft.env = {};
    if (!draft.url) problems.add('url', `is required for the ${draft.transport} transport`);
  }
  if (draft.authType === 'none') {
    if (fields.authType === 'none' && fields.authValue) {
      problems.add('auth_type', 'is none, but a credential was given');
    }
    draft.authValue = null;
    draft.apiKeyHeader = null;
    return;
  }
  if (!draft.authValue) {
    problems.add('credentials.auth_value', `is required for auth_type ${draft.authType}`);
  }
  if (draft.authType !== 'api_key') draft.apiKeyHeader = null;
}

function applyImpliedAuth(draft: McpServerDraft, fields: BodyFields): void {
  if (fields.authType === undefined && fields.impliedAuth) draft.authType = fields.impliedAuth;
}

function withoutImplied(fields: BodyFields): Partial<McpServerDraft> {
  const { impliedAuth: _implied, ...rest } = fields;
  const defined = Object.entries(rest).filter(([, value]) => value !== undefined);
  return Object.fromEntries(defined);
}

function throwIfAny(problems: FieldProblems): void {
  if (problems.lines.length > 0) throw McpException.invalidServer(problems.lines, problems.first);
}

function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
