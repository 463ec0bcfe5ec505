import type { McpServerRecord } from '@routeiq/persistence';
import { MASKED_VALUE, toMcpServerView } from './mcp-server.view';

const SECRETS = [
  'ghp-secret-token',
  'tenant-secret',
  'env-secret',
  '--token=arg-secret',
  'path-secret',
];

function record(overrides: Partial<McpServerRecord> = {}): McpServerRecord {
  return {
    serverId: 'github',
    serverName: 'GitHub',
    description: 'Issues',
    transport: 'streamable_http',
    url: 'https://mcp.github.example/path-secret/mcp?key=1',
    command: null,
    args: [],
    env: {},
    authType: 'api_key',
    authValue: 'ghp-secret-token',
    apiKeyHeader: null,
    staticHeaders: { Authorization: 'tenant-secret' },
    accessGroups: ['dev'],
    allowedTools: ['search'],
    timeoutMs: 5000,
    enabled: true,
    source: 'api',
    createdBy: 'admin-1',
    updatedBy: 'vk-2',
    createdAt: new Date('2025-01-01T00:00:00Z'),
    updatedAt: new Date('2025-01-02T00:00:00Z'),
    ...overrides,
  };
}

describe('toMcpServerView', () => {
  it('shows a manager the server in snake_case, with masked header values and no credential', () => {
    const view = toMcpServerView(record());
    expect(view).toEqual({
      server_id: 'github',
      server_name: 'GitHub',
      alias: 'GitHub',
      description: 'Issues',
      url: 'https://mcp.github.example/path-secret/mcp?key=1',
      transport: 'streamable_http',
      auth_type: 'api_key',
      api_key_header: 'X-API-Key',
      has_credentials: true,
      static_headers: { Authorization: MASKED_VALUE },
      mcp_access_groups: ['dev'],
      allowed_tools: ['search'],
      command: null,
      args: [],
      env: {},
      timeout_ms: 5000,
      enabled: true,
      source: 'api',
      created_at: '2025-01-01T00:00:00.000Z',
      updated_at: '2025-01-02T00:00:00.000Z',
      created_by: 'admin-1',
      updated_by: 'vk-2',
    });
    expect(JSON.stringify(view)).not.toContain('ghp-secret-token');
    expect(JSON.stringify(view)).not.toContain('tenant-secret');
  });

  it('shows a user key only the origin, and nothing of a stdio process', () => {
    const stdio = record({
      transport: 'stdio',
      url: null,
      command: 'npx',
      args: ['--token=arg-secret'],
      env: { TOKEN: 'env-secret' },
    });
    const http = JSON.stringify(toMcpServerView(record(), 'user'));
    const proc = JSON.stringify(toMcpServerView(stdio, 'user'));
    for (const secret of SECRETS) {
      expect(http).not.toContain(secret);
      expect(proc).not.toContain(secret);
    }
    expect(toMcpServerView(record(), 'user').url).toBe('https://mcp.github.example');
    expect(toMcpServerView(stdio, 'manager').env).toEqual({ TOKEN: MASKED_VALUE });
  });

  it('reports has_credentials false without a credential and accepts string timestamps', () => {
    const view = toMcpServerView(
      record({
        authType: 'none',
        authValue: null,
        createdAt: '2025-03-04T05:06:07Z' as unknown as Date,
      }),
    );
    expect(view.has_credentials).toBe(false);
    expect(view.api_key_header).toBeNull();
    expect(view.created_at).toBe('2025-03-04T05:06:07.000Z');
  });
});
