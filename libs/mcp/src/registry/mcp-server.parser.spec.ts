import type { McpServerRecord } from '@routeiq/persistence';
import { McpErrorCode, McpException } from '../mcp.exception';
import {
  parseMcpServerCreate,
  parseMcpServerUpdate,
  serverIdOfBody,
  type McpServerParseOptions,
} from './mcp-server.parser';
import { MASKED_VALUE } from './mcp-server.view';

const STDIO_OFF: McpServerParseOptions = { stdioEnabled: false };
const STDIO_ON: McpServerParseOptions = { stdioEnabled: true };

function failure(run: () => unknown): McpException {
  try {
    run();
  } catch (error) {
    if (error instanceof McpException) return error;
    throw error;
  }
  throw new Error('expected the parser to throw');
}

function stored(overrides: Partial<McpServerRecord> = {}): McpServerRecord {
  return {
    serverId: 'github',
    serverName: 'GitHub',
    description: null,
    transport: 'streamable_http',
    url: 'https://mcp.github.example/mcp',
    command: null,
    args: [],
    env: {},
    authType: 'bearer_token',
    authValue: 'ghp-secret',
    apiKeyHeader: null,
    staticHeaders: { 'X-Tenant': 'acme' },
    accessGroups: ['dev'],
    allowedTools: [],
    timeoutMs: null,
    enabled: true,
    source: 'api',
    createdBy: 'admin-1',
    updatedBy: null,
    createdAt: new Date('2025-01-01T00:00:00Z'),
    updatedAt: new Date('2025-01-01T00:00:00Z'),
    ...overrides,
  };
}

describe('parseMcpServerCreate', () => {
  it('reads the seed/LiteLLM field names with their defaults', () => {
    const draft = parseMcpServerCreate(
      {
        server_name: 'GitHub Tools',
        description: 'Issues and PRs',
        url: 'https://mcp.github.example/mcp',
        auth_type: 'bearer',
        credentials: { auth_value: 'ghp-secret' },
        static_headers: { 'X-Tenant': 'acme' },
        mcp_access_groups: ['dev', 'dev', 'ops'],
        allowed_tools: ['search_issues'],
        timeout: 2.5,
        unknown_field: 'ignored',
      },
      STDIO_OFF,
    );
    expect(draft).toEqual({
      serverId: 'github-tools',
      serverName: 'GitHub Tools',
      description: 'Issues and PRs',
      transport: 'streamable_http',
      url: 'https://mcp.github.example/mcp',
      command: null,
      args: [],
      env: {},
      authType: 'bearer_token',
      authValue: 'ghp-secret',
      apiKeyHeader: null,
      staticHeaders: { 'X-Tenant': 'acme' },
      accessGroups: ['dev', 'ops'],
      allowedTools: ['search_issues'],
      timeoutMs: 2500,
      enabled: true,
      source: 'api',
    });
  });

  it('maps http to streamable_http, takes alias as the name and top-level api_key', () => {
    const draft = parseMcpServerCreate(
      {
        server_id: 'search_1',
        alias: 'Search',
        transport: 'http',
        url: 'http://s.example/mcp',
        api_key: 'k-1',
        credentials: { api_key_header: 'X-Key' },
        timeout_ms: 900,
        enabled: false,
      },
      STDIO_OFF,
    );
    expect(draft).toMatchObject({
      serverId: 'search_1',
      serverName: 'Search',
      transport: 'streamable_http',
      authType: 'api_key',
      authValue: 'k-1',
      apiKeyHeader: 'X-Key',
      timeoutMs: 900,
      enabled: false,
    });
  });

  it('derives an id from a name with accents and punctuation, and never a dot', () => {
    const draft = parseMcpServerCreate(
      { name: 'Café.Search v2!', url: 'https://x.example/' },
      STDIO_OFF,
    );
    expect(draft.serverId).toBe('cafe-search-v2');
  });

  it('lists every problem in one 400 naming the fields', () => {
    const error = failure(() =>
      parseMcpServerCreate(
        {
          server_id: 'Bad.Id',
          server_name: 'x',
          url: 'ftp://files.example',
          transport: 'websocket',
          auth_type: 'oauth2',
          static_headers: { Host: 'evil', 'Bad Header': 'v', 'X-Ok': 'a\r\nInjected: 1' },
          mcp_access_groups: 'dev',
          timeout: -1,
        },
        STDIO_OFF,
      ),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe(McpErrorCode.InvalidServer);
    expect(error.param).toBe('server_id');
    for (const field of [
      'server_id:',
      'url: must use http or https',
      'transport:',
      'auth_type:',
      'static_headers.Host:',
      'static_headers.Bad Header:',
      'static_headers.X-Ok:',
      'mcp_access_groups:',
      'timeout:',
    ]) {
      expect(error.message).toContain(field);
    }
  });

  it('requires a name, a URL for HTTP transports and a credential for bearer auth', () => {
    const error = failure(() => parseMcpServerCreate({ auth_type: 'bearer_token' }, STDIO_OFF));
    expect(error.message).toContain('server_name: is required');
    expect(error.message).toContain('url: is required for the streamable_http transport');
    expect(error.message).toContain(
      'credentials.auth_value: is required for auth_type bearer_token',
    );
  });

  it('refuses a credential with auth_type none and credentials in the URL', () => {
    const error = failure(() =>
      parseMcpServerCreate(
        { name: 'a', url: 'https://u:p@x.example/', auth_type: 'none', auth_value: 'tok' },
        STDIO_OFF,
      ),
    );
    expect(error.message).toContain('auth_type: is none, but a credential was given');
    expect(error.message).toContain('url: must not carry credentials');
    expect(error.message).not.toContain('tok');
  });

  it('refuses stdio unless the operator enabled it, and then needs a command', () => {
    expect(
      failure(() =>
        parseMcpServerCreate({ name: 'fs', transport: 'stdio', command: 'npx' }, STDIO_OFF),
      ).code,
    ).toBe(McpErrorCode.StdioDisabled);
    expect(
      failure(() => parseMcpServerCreate({ name: 'fs', transport: 'stdio' }, STDIO_ON)).message,
    ).toContain('command: is required');
    const draft = parseMcpServerCreate(
      {
        name: 'fs',
        transport: 'stdio',
        command: 'npx',
        args: ['-y', 'server-fs', ''],
        env: { ROOT: '/data' },
        url: 'https://ignored.example/',
      },
      STDIO_ON,
    );
    expect(draft).toMatchObject({
      transport: 'stdio',
      url: null,
      command: 'npx',
      args: ['-y', 'server-fs', ''],
      env: { ROOT: '/data' },
    });
  });

  it('refuses a body that is not an object', () => {
    expect(failure(() => parseMcpServerCreate([], STDIO_OFF)).code).toBe(
      McpErrorCode.InvalidServer,
    );
    expect(failure(() => parseMcpServerCreate(null, STDIO_OFF)).code).toBe(
      McpErrorCode.InvalidServer,
    );
  });
});

describe('parseMcpServerUpdate', () => {
  it('returns only the fields that change', () => {
    const patch = parseMcpServerUpdate(
      {
        server_name: 'GitHub',
        description: 'new',
        enabled: false,
        static_headers: { 'X-Tenant': MASKED_VALUE, 'X-New': 'v' },
      },
      stored(),
      STDIO_OFF,
    );
    expect(patch).toEqual({
      description: 'new',
      enabled: false,
      staticHeaders: { 'X-Tenant': 'acme', 'X-New': 'v' },
    });
  });

  it('keeps stored environment values sent back masked (names match exactly)', () => {
    const current = {
      ...stored(),
      transport: 'stdio' as const,
      url: null,
      command: 'mcp-server',
      env: { TOKEN: 'secret-token', MODE: 'a' },
    };
    const patch = parseMcpServerUpdate(
      { env: { TOKEN: MASKED_VALUE, MODE: 'b', token: MASKED_VALUE } },
      current,
      { stdioEnabled: true },
    );
    expect(patch).toEqual({ env: { TOKEN: 'secret-token', MODE: 'b', token: MASKED_VALUE } });
  });

  it('clears the credential when auth becomes none and keeps it otherwise', () => {
    expect(parseMcpServerUpdate({ auth_type: 'none' }, stored(), STDIO_OFF)).toEqual({
      authType: 'none',
      authValue: null,
    });
    expect(parseMcpServerUpdate({ auth_type: 'api_key' }, stored(), STDIO_OFF)).toEqual({
      authType: 'api_key',
    });
  });

  it('infers bearer auth from a credential given to a server without auth', () => {
    const current = stored({ authType: 'none', authValue: null });
    expect(parseMcpServerUpdate({ auth_value: 'tok' }, current, STDIO_OFF)).toEqual({
      authType: 'bearer_token',
      authValue: 'tok',
    });
  });

  it('refuses a changed server_id, a removed credential and a removed URL', () => {
    const error = failure(() =>
      parseMcpServerUpdate(
        { server_id: 'other', credentials: { auth_value: null }, url: null },
        stored(),
        STDIO_OFF,
      ),
    );
    expect(error.message).toContain('server_id: cannot be changed');
    expect(error.message).toContain('credentials.auth_value: is required');
    expect(error.message).toContain('url: is required');
  });

  it('refuses switching to stdio when disabled, but lets an existing stdio server be disabled', () => {
    expect(
      failure(() => parseMcpServerUpdate({ transport: 'stdio', command: 'x' }, stored(), STDIO_OFF))
        .code,
    ).toBe(McpErrorCode.StdioDisabled);
    const stdio = stored({
      transport: 'stdio',
      url: null,
      command: 'npx',
      authType: 'none',
      authValue: null,
    });
    expect(parseMcpServerUpdate({ enabled: false }, stdio, STDIO_OFF)).toEqual({ enabled: false });
  });
});

describe('serverIdOfBody', () => {
  it('reads server_id and refuses a body without a valid one', () => {
    expect(serverIdOfBody({ server_id: 'github' })).toBe('github');
    expect(failure(() => serverIdOfBody({ server_name: 'x' })).param).toBe('server_id');
    expect(failure(() => serverIdOfBody({ server_id: 'a.b' })).status).toBe(400);
  });
});
