import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError } from './config-validation.error';
import { loadGatewayConfig } from './gateway-config.loader';
import { parseMcpServers } from './mcp-servers.parser';
import type { ConfigProblem } from './gateway-config.types';

const MODELS = 'model_list:\n  - model_name: m\n    litellm_params: { model: gpt-4o }\n';

describe(parseMcpServers.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-mcp-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function load(servers: string, env: Record<string, string> = {}) {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, `${MODELS}mcp_servers:\n${servers}`);
    return loadGatewayConfig(file, env);
  }

  function problemsOf(servers: string): ConfigProblem[] {
    try {
      load(servers);
    } catch (error) {
      if (error instanceof ConfigValidationError) return [...error.problems];
      throw error;
    }
    throw new Error('expected the config to be rejected');
  }

  it("reads LiteLLM's keys, resolving os.environ/ references", () => {
    const { config, warnings } = load(
      [
        '  github:',
        '    url: "https://api.githubcopilot.com/mcp"',
        '    transport: "http"',
        '    auth_type: "bearer_token"',
        '    auth_value: os.environ/GITHUB_TOKEN',
        '    description: "GitHub tools"',
        '    allowed_tools: [search_issues, get_issue]',
        '    access_groups: [dev]',
        '    static_headers: { X-Tenant: os.environ/TENANT }',
        '    timeout: "30"',
        '  fetch:',
        '    command: uvx',
        '    args: [mcp-server-fetch]',
        '    env: { LOG_LEVEL: debug }',
        '    mcp_info: { server_name: Fetcher, logo_url: "https://x.example/logo.png" }',
      ].join('\n'),
      { GITHUB_TOKEN: 'ghp-secret', TENANT: 'acme' },
    );
    expect(config.mcpServers).toEqual([
      {
        server_id: 'github',
        server_name: 'github',
        url: 'https://api.githubcopilot.com/mcp',
        transport: 'http',
        auth_type: 'bearer_token',
        auth_value: 'ghp-secret',
        description: 'GitHub tools',
        allowed_tools: ['search_issues', 'get_issue'],
        access_groups: ['dev'],
        static_headers: { 'X-Tenant': 'acme' },
        timeout: 30,
      },
      {
        server_id: 'fetch',
        server_name: 'Fetcher',
        command: 'uvx',
        args: ['mcp-server-fetch'],
        env: { LOG_LEVEL: 'debug' },
      },
    ]);
    expect(warnings).toEqual(['mcp_servers.fetch.mcp_info.logo_url: not supported yet, ignored']);
  });

  it('is empty when the section is absent or null', () => {
    expect(load('').config.mcpServers).toEqual([]);
  });

  it('names every problem by its path, and never echoes a secret', () => {
    const problems = problemsOf(
      [
        '  GitHub.com:',
        '    url: "https://a.example/mcp"',
        '  bad:',
        '    url: "ftp://files.example"',
        '    transport: carrier-pigeon',
        '    auth_type: basic',
        '    auth_value: 12345',
        '    allowed_tools: "search"',
        '    access_groups: [""]',
        '    static_headers: [X-Secret]',
        '    timeout: -1',
        '    enabled: "yes"',
        '  refused:',
        '    url: "https://r.example/mcp"',
        '    disallowed_tools: [delete_repo]',
        '    spec_path: ./openapi.json',
        '  missing_env:',
        '    url: "https://m.example/mcp"',
        '    auth_value: os.environ/NOT_SET_ANYWHERE',
        '  scalar: 42',
      ].join('\n'),
    );
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        'mcp_servers["GitHub.com"]',
        'mcp_servers.bad.url',
        'mcp_servers.bad.transport',
        'mcp_servers.bad.auth_type',
        'mcp_servers.bad.auth_value',
        'mcp_servers.bad.static_headers',
        'mcp_servers.bad.allowed_tools',
        'mcp_servers.bad.access_groups',
        'mcp_servers.bad.timeout',
        'mcp_servers.bad.enabled',
        'mcp_servers.refused.disallowed_tools',
        'mcp_servers.refused.spec_path',
        'mcp_servers.missing_env.auth_value',
        'mcp_servers.scalar',
      ].sort(),
    );
    const message = (path: string) => problems.find((p) => p.path === path)?.message;
    expect(message('mcp_servers.bad.auth_type')).toBe(
      'must be one of none, bearer_token, api_key (got "basic")',
    );
    expect(message('mcp_servers.bad.transport')).toContain('must be one of http, streamable_http');
    expect(message('mcp_servers.missing_env.auth_value')).toContain('NOT_SET_ANYWHERE');
    expect(JSON.stringify(problems)).not.toContain('12345');
  });

  it('fails when the section is not a mapping of servers', () => {
    expect(problemsOf('  - url: https://a.example/mcp')).toEqual([
      { path: 'mcp_servers', message: 'must be a mapping of server ids to servers (got a list)' },
    ]);
  });

  it('warns about keys it does not know and keeps the server', () => {
    const { config, warnings } = load('  docs:\n    url: https://d.example/mcp\n    logo: x\n');
    expect(config.mcpServers).toEqual([
      { server_id: 'docs', server_name: 'docs', url: 'https://d.example/mcp' },
    ]);
    expect(warnings).toEqual(['mcp_servers.docs: unknown key "logo" ignored']);
  });
});
