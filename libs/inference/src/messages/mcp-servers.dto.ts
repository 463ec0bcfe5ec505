import { CommonException } from '@routeiq/common';
import { isObject } from '../dto/request-checks';

function fail(message: string, param: string): never {
  throw CommonException.invalidRequest(message, param);
}

/**
 * Checks `mcp_servers` (Anthropic's MCP connector): each entry `{ type: "url", url, name,
 * authorization_token?, tool_configuration? }` with a unique `name`. Which server a `url` names is
 * decided by the hosted tool resolver, as for chat's `server_url`.
 */
export function checkMcpServers(servers: unknown): void {
  if (servers === undefined || servers === null) return;
  if (!Array.isArray(servers)) fail('mcp_servers: must be an array', 'mcp_servers');
  const names = new Set<string>();
  servers.forEach((server: unknown, i) => {
    const at = `mcp_servers.${i}`;
    if (!isObject(server)) fail(`${at}: must be an object`, at);
    if (server.type !== 'url') fail(`${at}.type: must be "url"`, `${at}.type`);
    if (typeof server.url !== 'string' || server.url === '') {
      fail(`${at}.url: must be a non-empty string`, `${at}.url`);
    }
    if (typeof server.name !== 'string' || server.name.trim() === '') {
      fail(`${at}.name: must be a non-empty string`, `${at}.name`);
    }
    if (names.has(server.name)) fail(`${at}.name: "${server.name}" is used twice`, `${at}.name`);
    names.add(server.name);
    const token = server.authorization_token;
    if (token !== undefined && token !== null && typeof token !== 'string') {
      fail(`${at}.authorization_token: must be a string`, `${at}.authorization_token`);
    }
    checkToolConfiguration(server.tool_configuration, `${at}.tool_configuration`);
  });
}

function checkToolConfiguration(config: unknown, at: string): void {
  if (config === undefined || config === null) return;
  if (!isObject(config)) fail(`${at}: must be an object`, at);
  const enabled = config.enabled;
  if (enabled !== undefined && enabled !== null && typeof enabled !== 'boolean') {
    fail(`${at}.enabled: must be a boolean`, `${at}.enabled`);
  }
  const allowed = config.allowed_tools;
  if (allowed === undefined || allowed === null) return;
  if (!Array.isArray(allowed) || !allowed.every((name) => typeof name === 'string')) {
    fail(`${at}.allowed_tools: must be an array of tool names`, `${at}.allowed_tools`);
  }
}
