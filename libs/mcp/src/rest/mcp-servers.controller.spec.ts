import {
  Injectable,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import {
  ControlPlaneAuditor,
  GatewayExceptionFilter,
  RequestLimits,
  ROUTE_PERMISSION_METADATA,
  type AuditedRoute,
  type GatewayRequest,
} from '@routeiq/common';
import { ConfigStore } from '@routeiq/config';
import { CoordinationBus, InMemoryCoordinationBus } from '@routeiq/coordination';
import {
  mcpServerDefaults,
  McpServerStore,
  NO_MCP_RESTRICTIONS,
  type McpPermissions,
  type VirtualKeyRecord,
} from '@routeiq/persistence';
import {
  attachResolvedKey,
  HostResolver,
  OutboundUrlGuard,
  resolveOutboundConfig,
} from '@routeiq/security';
import { McpUpstream, type McpServerHealth } from '../catalog/mcp-catalog.types';
import { McpConfig, resolveMcpConfig } from '../mcp.config';
import { MCP_REGISTRY_PROVIDERS, McpRegistryService } from '../registry';
import { FakeMcpServerStore } from '../registry/__fixtures__/fake-mcp-server.store';
import { MCP_REGISTRY_CONTROLLERS, McpServersController } from './index';

/** Stands in for the AuthGuard: `x-test-caller: admin`, or a user key with these MCP permissions. */
@Injectable()
class TestCallerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<GatewayRequest>();
    const caller = req.headers['x-test-caller'];
    if (caller === 'admin') {
      req.principal = { kind: 'admin', keyId: 'admin-1' };
      return true;
    }
    const mcp = JSON.parse(typeof caller === 'string' ? caller : '{}') as McpPermissions;
    req.principal = { kind: 'virtual', keyId: 'vk-1' };
    const key = { permissions: [], mcp: { ...NO_MCP_RESTRICTIONS, ...mcp } } as unknown;
    attachResolvedKey(req, {
      key: key as VirtualKeyRecord,
      team: null,
      keyId: 'vk-1',
      loadedAt: 0,
    });
    return true;
  }
}

class RecordingAuditor extends ControlPlaneAuditor {
  readonly events: Array<{ action: string; resourceId?: string; ok: boolean }> = [];

  async around<T>(req: GatewayRequest, route: AuditedRoute, run: () => Promise<T>): Promise<T> {
    const note = (ok: boolean) =>
      this.events.push({ action: route.action, resourceId: req.audit?.resourceId, ok });
    try {
      const result = await run();
      note(true);
      return result;
    } catch (error) {
      note(false);
      throw error;
    }
  }
}

class FakeUpstream extends McpUpstream {
  readonly probed: string[] = [];
  callTool = () => Promise.reject(new Error('unused'));
  readResource = () => Promise.reject(new Error('unused'));
  getPrompt = () => Promise.reject(new Error('unused'));
  complete = () => Promise.reject(new Error('unused'));

  async probe(serverId: string): Promise<McpServerHealth> {
    this.probed.push(serverId);
    const healthy = serverId !== 'broken';
    return {
      serverId,
      status: healthy ? 'healthy' : 'unhealthy',
      latencyMs: healthy ? 3 : null,
      toolCount: healthy ? 2 : null,
      protocolVersion: healthy ? '2025-11-25' : null,
      serverInfo: healthy ? { name: 'up', version: '1.0.0' } : null,
      error: healthy ? null : 'connection refused',
      checkedAt: '2025-01-01T00:00:00.000Z',
    };
  }
}

class PublicResolver extends HostResolver {
  async resolve(): Promise<readonly string[]> {
    return ['93.184.216.34'];
  }
}

const ADMIN = { 'x-test-caller': 'admin', 'content-type': 'application/json' };

function server(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { server_id: id, server_name: id, url: `https://${id}.example.com/mcp`, ...extra };
}

describe(McpServersController.name, () => {
  let app: INestApplication;
  let base: string;
  const auditor = new RecordingAuditor();
  const upstream = new FakeUpstream();

  function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = ADMIN,
  ) {
    return fetch(`${base}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  }

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: MCP_REGISTRY_CONTROLLERS,
      providers: [
        ...MCP_REGISTRY_PROVIDERS,
        { provide: McpServerStore, useValue: new FakeMcpServerStore() },
        { provide: CoordinationBus, useValue: new InMemoryCoordinationBus() },
        {
          provide: OutboundUrlGuard,
          useValue: new OutboundUrlGuard(resolveOutboundConfig({}), new PublicResolver()),
        },
        { provide: McpConfig, useValue: resolveMcpConfig({}) },
        { provide: ConfigStore, useValue: { register: () => undefined } },
        { provide: McpUpstream, useValue: upstream },
        { provide: ControlPlaneAuditor, useValue: auditor },
        { provide: RequestLimits, useValue: { maxBodyBytes: 1_000_000 } },
        { provide: APP_GUARD, useClass: TestCallerGuard },
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false, bodyParser: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    const registry = app.get(McpRegistryService);
    await registry.create({
      ...mcpServerDefaults(),
      serverId: 'finance',
      serverName: 'Finance',
      url: 'https://finance.example.com/secret-path/mcp',
      accessGroups: ['finance'],
      enabled: false,
      createdBy: null,
      updatedBy: null,
    });
  });

  afterAll(() => app.close());

  it('requires mcp.server.write on every write route', () => {
    for (const controller of MCP_REGISTRY_CONTROLLERS) {
      for (const name of ['create', 'update', 'delete']) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function') continue;
        expect(Reflect.getMetadata(ROUTE_PERMISSION_METADATA, handler)).toBe('mcp.server.write');
      }
    }
  });

  it('registers (201, audited, no secret), refuses a taken id (409) and an invalid body (400)', async () => {
    const body = server('github', {
      auth_type: 'bearer',
      credentials: { auth_value: 'ghp-secret' },
      mcp_access_groups: ['dev'],
    });
    const created = await call('POST', '/llmrouter/mcp/servers', body);
    const text = await created.text();
    expect(created.status).toBe(201);
    expect(text).not.toContain('ghp-secret');
    expect(JSON.parse(text)).toMatchObject({
      server_id: 'github',
      has_credentials: true,
      auth_type: 'bearer_token',
    });
    expect(auditor.events.at(-1)).toEqual({
      action: 'mcp.server.add',
      resourceId: 'github',
      ok: true,
    });

    const again = await call('POST', '/llmrouter/mcp/servers', body);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'mcp_server_exists' } });

    const bad = await call('POST', '/llmrouter/mcp/servers', { server_name: 'x', url: 'nope' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_mcp_server', param: 'url' } });
  });

  it('answers LiteLLM status codes under /v1/mcp/server', async () => {
    expect((await call('POST', '/v1/mcp/server', server('github'))).status).toBe(400);
    const created = await call('POST', '/v1/mcp/server', server('jira'));
    expect(created.status).toBe(201);

    const updated = await call('PUT', '/v1/mcp/server', {
      server_id: 'jira',
      description: 'Tickets',
    });
    expect(updated.status).toBe(202);
    expect(await updated.json()).toMatchObject({
      server_id: 'jira',
      description: 'Tickets',
      updated_by: 'admin-1',
    });

    const list = await call('GET', '/v1/mcp/server');
    const ids = ((await list.json()) as Array<{ server_id: string }>).map((s) => s.server_id);
    expect(ids).toEqual(['finance', 'github', 'jira']);

    const health = await call('GET', '/v1/mcp/server/health?server_ids=jira');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject([{ server_id: 'jira', status: 'healthy' }]);

    const deleted = await call('DELETE', '/v1/mcp/server/jira');
    expect(deleted.status).toBe(202);
    expect(await deleted.text()).toBe('');
    expect((await call('GET', '/v1/mcp/server/jira')).status).toBe(404);
  });

  it('serves the seed routes: get, update, 404s and delete', async () => {
    await call('POST', '/llmrouter/mcp/servers', server('slack'));
    const got = await call('GET', '/llmrouter/mcp/servers/slack');
    expect(await got.json()).toMatchObject({ server_id: 'slack', transport: 'streamable_http' });

    const put = await call('PUT', '/llmrouter/mcp/servers/slack', { enabled: false });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ enabled: false });

    const missing = await call('PUT', '/llmrouter/mcp/servers/nope', { enabled: false });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'mcp_server_not_found' } });
    expect(auditor.events.at(-1)).toEqual({
      action: 'mcp.server.update',
      resourceId: 'nope',
      ok: false,
    });

    const deleted = await call('DELETE', '/llmrouter/mcp/servers/slack');
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ deleted: true, server_id: 'slack' });
    expect((await call('DELETE', '/llmrouter/mcp/servers/slack')).status).toBe(404);
  });

  it('shows a restricted user key only its servers, by origin', async () => {
    const user = { 'x-test-caller': JSON.stringify({ accessGroups: ['dev'] }) };
    const list = await call('GET', '/llmrouter/mcp/servers', undefined, user);
    expect(await list.json()).toEqual({
      servers: [
        expect.objectContaining({ server_id: 'github', url: 'https://github.example.com' }),
      ],
      total_count: 1,
    });
    expect((await call('GET', '/llmrouter/mcp/servers/finance', undefined, user)).status).toBe(404);
    expect(
      (await call('GET', '/v1/llmrouter/mcp/server/finance/health', undefined, user)).status,
    ).toBe(404);
    const groups = await call('GET', '/v1/llmrouter/mcp/access_groups', undefined, user);
    expect(await groups.json()).toEqual({ access_groups: [{ name: 'dev', servers: ['github'] }] });
  });

  it('probes enabled servers and reports disabled ones without probing them', async () => {
    upstream.probed.length = 0;
    const res = await call('GET', '/v1/llmrouter/mcp/server/health');
    const report = (await res.json()) as {
      servers: Array<{ server_id: string; status: string }>;
    };
    expect(report).toMatchObject({ healthy: 1, unhealthy: 0 });
    expect(report.servers.map((s) => [s.server_id, s.status])).toEqual([
      ['finance', 'disabled'],
      ['github', 'healthy'],
    ]);
    expect(upstream.probed).toEqual(['github']);
    const one = await call('GET', '/v1/llmrouter/mcp/server/github/health');
    expect(await one.json()).toMatchObject({
      server_id: 'github',
      protocol_version: '2025-11-25',
      tool_count: 2,
    });
  });

  it('publishes a registry document pointing at the gateway, without upstream URLs', async () => {
    const res = await call('GET', '/v1/llmrouter/mcp/registry.json', undefined, {
      'x-test-caller': 'admin',
      'x-forwarded-proto': 'https',
    });
    const text = await res.text();
    const host = new URL(base).host;
    expect(res.status).toBe(200);
    expect(text).not.toContain('github.example.com');
    expect(JSON.parse(text)).toMatchObject({
      name: 'io.routeiq/gateway',
      remotes: [
        { type: 'streamable-http', url: `https://${host}/mcp` },
        { type: 'sse', url: `https://${host}/mcp/sse` },
      ],
      servers: [{ name: 'github', tool_prefix: 'github.', access_groups: ['dev'] }],
      total_count: 1,
    });
  });
});
