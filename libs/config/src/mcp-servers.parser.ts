import { childPath, describeType, isMapping, type Mapping } from './config-problems';
import { validateSection } from './config-rules';
import { McpServerSchema, REFUSED_MCP_SERVER_KEYS } from './config-schema';
import type { ConfigProblem, McpServerConfig } from './gateway-config.types';

/** The MCP registry's id shape (`@routeiq/persistence` MCP_SERVER_ID_PATTERN): tools are `{id}.{tool}`. */
const SERVER_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const INFO_KEYS = ['server_name', 'description'];

/** Parses `mcp_servers` (already `os.environ/`-resolved): a mapping of server id → server. */
export function parseMcpServers(
  raw: unknown,
  problems: ConfigProblem[],
  warnings: string[],
): McpServerConfig[] {
  if (raw === undefined || raw === null) return [];
  if (!isMapping(raw)) {
    problems.push({
      path: 'mcp_servers',
      message: `must be a mapping of server ids to servers (got ${describeType(raw)})`,
    });
    return [];
  }
  return Object.entries(raw).flatMap(([id, entry]) => {
    const server = parseServer(id, entry, childPath('mcp_servers', id), problems, warnings);
    return server ? [server] : [];
  });
}

function parseServer(
  id: string,
  entry: unknown,
  path: string,
  problems: ConfigProblem[],
  warnings: string[],
): McpServerConfig | undefined {
  const before = problems.length;
  if (!SERVER_ID.test(id)) {
    problems.push({
      path,
      message: 'the server id must match [a-z0-9][a-z0-9_-]{0,63} (lower case, no dots)',
    });
  }
  if (!isMapping(entry)) {
    problems.push({ path, message: `must be a mapping (got ${describeType(entry)})` });
    return undefined;
  }
  const { values, extra } = validateSection(McpServerSchema, entry, path, problems);
  checkExtraKeys(extra, path, problems, warnings);
  const info = readInfo(values.mcp_info, `${path}.mcp_info`, problems, warnings);
  if (problems.length > before) return undefined;
  const { mcp_info: _info, server_name, alias, ...settings } = values;
  return {
    ...settings,
    server_id: id,
    server_name: server_name ?? alias ?? info.server_name ?? id,
    description: settings.description ?? info.description,
  };
}

function checkExtraKeys(
  extra: Mapping,
  path: string,
  problems: ConfigProblem[],
  warnings: string[],
): void {
  for (const key of Object.keys(extra)) {
    const refused = REFUSED_MCP_SERVER_KEYS[key];
    if (refused) problems.push({ path: childPath(path, key), message: refused });
    else warnings.push(`${path}: unknown key "${key}" ignored`);
  }
}

/** `mcp_info.server_name` and `.description` (LiteLLM's display info); other keys warn. */
function readInfo(
  info: Mapping | undefined,
  path: string,
  problems: ConfigProblem[],
  warnings: string[],
): { server_name?: string; description?: string } {
  if (!info) return {};
  const read: { server_name?: string; description?: string } = {};
  for (const [key, value] of Object.entries(info)) {
    if (!INFO_KEYS.includes(key)) {
      warnings.push(`${childPath(path, key)}: not supported yet, ignored`);
    } else if (typeof value !== 'string' || value.trim() === '') {
      problems.push({ path: childPath(path, key), message: 'must be a non-empty string' });
    } else read[key as 'server_name' | 'description'] = value;
  }
  return read;
}
