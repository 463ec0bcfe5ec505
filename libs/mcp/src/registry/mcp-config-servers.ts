import type { ConfigProblem, McpServerConfig } from '@routeiq/config';
import { FieldProblems, type Body } from './mcp-server-fields';
import {
  readMcpServerCreate,
  type McpServerDraft,
  type McpServerParseOptions,
} from './mcp-server.parser';

/** Config-file servers as the registry would store them, or why they cannot be. */
export interface McpConfigServerDrafts {
  readonly drafts: readonly McpServerDraft[];
  readonly problems: readonly ConfigProblem[];
}

// The registry names some fields as the API does; problems are reported in the file's names.
const FILE_FIELD: Readonly<Record<string, string>> = {
  mcp_access_groups: 'access_groups',
  'credentials.auth_value': 'auth_value',
  'credentials.api_key_header': 'api_key_header',
};

/**
 * Checks each `mcp_servers` entry with the registry's own rules (as an API create would be) and
 * builds what to store, marked `source: 'config'`. Problems are `mcp_servers.<id>.<key>`.
 */
export function mcpConfigServerDrafts(
  servers: readonly McpServerConfig[],
  options: McpServerParseOptions,
): McpConfigServerDrafts {
  const drafts: McpServerDraft[] = [];
  const problems: ConfigProblem[] = [];
  for (const server of servers) {
    const path = `mcp_servers.${server.server_id}`;
    const fieldProblems = new FieldProblems();
    const draft = readMcpServerCreate(bodyOf(server), fieldProblems);
    if (draft.transport === 'stdio' && !options.stdioEnabled) {
      fieldProblems.add('transport', 'stdio servers are disabled (LLMROUTER_MCP_STDIO_ENABLED)');
    }
    problems.push(...fieldProblems.lines.map((line) => problemOf(path, line)));
    if (fieldProblems.lines.length === 0) drafts.push({ ...draft, source: 'config' });
  }
  return { drafts, problems };
}

/** The entry as an API create body. `command` alone implies stdio, as in LiteLLM. */
function bodyOf(server: McpServerConfig): Body {
  const transport = server.transport ?? (server.command && !server.url ? 'stdio' : undefined);
  const body: Record<string, unknown> = {
    server_id: server.server_id,
    server_name: server.server_name,
    description: server.description,
    url: server.url,
    transport,
    command: server.command,
    args: server.args,
    env: server.env,
    auth_type: server.auth_type,
    static_headers: server.static_headers,
    mcp_access_groups: server.access_groups,
    allowed_tools: server.allowed_tools,
    timeout: server.timeout,
    enabled: server.enabled,
  };
  if (server.auth_value !== undefined || server.api_key_header !== undefined) {
    body.credentials = { auth_value: server.auth_value, api_key_header: server.api_key_header };
  }
  return body;
}

function problemOf(path: string, line: string): ConfigProblem {
  const colon = line.indexOf(': ');
  const field = line.slice(0, colon);
  const name = FILE_FIELD[field] ?? field;
  return { path: `${path}.${name}`, message: line.slice(colon + 2) };
}
