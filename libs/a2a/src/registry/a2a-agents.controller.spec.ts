import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { CoordinationBus, InMemoryCoordinationBus } from '@routeiq/coordination';
import {
  A2aAgentStore,
  NO_AGENT_RESTRICTIONS,
  type AgentPermissions,
  type VirtualKeyRecord,
} from '@routeiq/persistence';
import {
  attachResolvedKey,
  DnsHostResolver,
  OutboundUrlGuard,
  resolveOutboundConfig,
  SafeOutboundClient,
} from '@routeiq/security';
import { sqliteAgentStore, type SqliteAgentStore } from './__fixtures__/sqlite-agent-store';
import { A2A_REGISTRY_CONTROLLERS, A2A_REGISTRY_PROVIDERS, A2aAgentDirectory } from './index';
import { A2aAgentsController } from './a2a-agents.controller';

type TestKey = Partial<AgentPermissions> & { permissions?: string[] };

/**
 * Stands in for the AuthGuard: an admin, or with `x-test-key` a user key with these agent
 * permissions and RBAC permissions.
 */
@Injectable()
class TestCallerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<GatewayRequest>();
    const given = req.headers['x-test-key'];
    if (typeof given !== 'string') {
      req.principal = { kind: 'admin', keyId: 'admin-1' };
      return true;
    }
    const { permissions = [], ...agents } = JSON.parse(given) as TestKey;
    req.principal = { kind: 'virtual', keyId: 'vk-1' };
    const key = { permissions, agents: { ...NO_AGENT_RESTRICTIONS, ...agents } } as unknown;
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

const CARD = {
  name: 'Echo Agent',
  description: 'echoes text',
  supportedInterfaces: [{ url: 'PLACEHOLDER', protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
  capabilities: { streaming: true },
  skills: [{ id: 'echo', name: 'Echo', tags: ['text'] }],
};

describe(A2aAgentsController.name, () => {
  let cards: Server;
  let cardBase: string;
  let db: SqliteAgentStore;
  let outbound: SafeOutboundClient;
  let app: INestApplication;
  let base: string;
  const auditor = new RecordingAuditor();

  function call(method: string, path: string, body?: unknown, key?: TestKey): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key) headers['x-test-key'] = JSON.stringify(key);
    const init = body === undefined ? {} : { body: JSON.stringify(body) };
    return fetch(`${base}${path}`, { method, headers, ...init });
  }

  beforeAll(async () => {
    cards = createServer((req, res) => {
      if (req.url !== '/echo/.well-known/agent-card.json') return res.writeHead(404).end();
      const card = {
        ...CARD,
        supportedInterfaces: [{ ...CARD.supportedInterfaces[0], url: `${cardBase}/echo/rpc` }],
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(card));
    });
    await new Promise<void>((resolve) => cards.listen(0, '127.0.0.1', resolve));
    cardBase = `http://127.0.0.1:${(cards.address() as AddressInfo).port}`;
    db = await sqliteAgentStore();
    const config = resolveOutboundConfig({ LLMROUTER_OUTBOUND_URL_ALLOWLIST: `${cardBase}/` });
    const guard = new OutboundUrlGuard(config, new DnsHostResolver());
    outbound = new SafeOutboundClient(guard);
    const moduleRef = await Test.createTestingModule({
      controllers: A2A_REGISTRY_CONTROLLERS,
      providers: [
        ...A2A_REGISTRY_PROVIDERS,
        { provide: A2aAgentStore, useValue: db.store },
        { provide: CoordinationBus, useValue: new InMemoryCoordinationBus() },
        { provide: OutboundUrlGuard, useValue: guard },
        { provide: SafeOutboundClient, useValue: outbound },
        { provide: ControlPlaneAuditor, useValue: auditor },
        { provide: RequestLimits, useValue: { maxBodyBytes: 1_000_000 } },
        { provide: APP_GUARD, useClass: TestCallerGuard },
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false, bodyParser: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await outbound?.onApplicationShutdown();
    await db?.close();
    await new Promise((resolve) => cards.close(resolve));
  });

  it('requires a2a.agent.write on every write route', () => {
    for (const controller of A2A_REGISTRY_CONTROLLERS) {
      for (const name of ['create', 'update', 'delete']) {
        const handler = (controller.prototype as unknown as Record<string, unknown>)[name];
        if (typeof handler !== 'function') continue;
        expect(Reflect.getMetadata(ROUTE_PERMISSION_METADATA, handler)).toBe('a2a.agent.write');
      }
    }
  });

  it('registers from a card URL (201, audited, secret masked) and refuses the id again (409)', async () => {
    const body = {
      url: `${cardBase}/echo`,
      auth_type: 'bearer_token',
      credentials: { auth_value: 'top-secret' },
      static_headers: { 'X-Tenant': 'acme' },
    };
    const created = await call('POST', '/a2a/agents', body);
    const text = await created.text();
    expect(created.status).toBe(201);
    expect(text).not.toContain('top-secret');
    expect(JSON.parse(text)).toMatchObject({
      agent_id: 'echo-agent',
      name: 'Echo Agent',
      url: `${cardBase}/echo/rpc`,
      protocol_version: '1.0',
      capabilities: ['echo', 'text', 'streaming'],
      skills: [{ id: 'echo', name: 'Echo', description: null, tags: ['text'] }],
      card_url: `${cardBase}/echo/.well-known/agent-card.json`,
      gateway_url: '/a2a/echo-agent',
      has_credentials: true,
      static_headers: { 'X-Tenant': '********' },
      enabled: true,
    });
    expect(auditor.events.at(-1)).toEqual({
      action: 'a2a.agent.add',
      resourceId: 'echo-agent',
      ok: true,
    });
    expect(app.get(A2aAgentDirectory).get('echo-agent')?.authValue).toBe('top-secret');

    const again = await call('POST', '/a2a/agents', body);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'a2a_agent_exists' } });
  });

  it("registers the seed's shape without a card, and filters the list by capability", async () => {
    const seed = { name: 'Seed Bot', url: `${cardBase}/seed/rpc`, capabilities: ['math'] };
    const created = await call('POST', '/a2a/agents', seed);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      agent_id: 'seed-bot',
      card_url: null,
      protocol_version: '0.3',
      capabilities: ['math'],
      skills: [],
    });
    const all = (await (await call('GET', '/a2a/agents')).json()) as {
      agents: Array<{ agent_id: string }>;
    };
    expect(all.agents.map((agent) => agent.agent_id)).toEqual(['echo-agent', 'seed-bot']);
    const math = await (await call('GET', '/a2a/agents?capability=math')).json();
    expect(math).toMatchObject({ total_count: 1, agents: [{ agent_id: 'seed-bot' }] });
  });

  it('answers 400 for a bad body or card and the SSRF error for a blocked URL', async () => {
    const bad = await call('POST', '/a2a/agents', { name: 'x', url: 'ftp://x' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_a2a_agent', param: 'url' } });
    const noCard = await call('POST', '/a2a/agents', { agent_card_url: `${cardBase}/none.json` });
    expect(noCard.status).toBe(400);
    expect(await noCard.json()).toMatchObject({ error: { code: 'invalid_agent_card' } });
    const ssrf = await call('POST', '/a2a/agents', {
      name: 'evil',
      url: 'http://169.254.169.254/',
    });
    expect(ssrf.status).toBe(400);
    expect(await ssrf.json()).toMatchObject({ error: { code: 'ssrf_blocked' } });
    expect(auditor.events.at(-1)).toEqual({
      action: 'a2a.agent.add',
      resourceId: 'evil',
      ok: false,
    });
  });

  it('updates an agent (200, audited), keeping masked headers and the stored credential', async () => {
    const res = await call('PUT', '/a2a/agents/echo-agent', {
      name: 'Echo 2',
      enabled: false,
      capabilities: ['extra'],
      static_headers: { 'X-Tenant': '********', 'X-Extra': '1' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      agent_id: 'echo-agent',
      name: 'Echo 2',
      enabled: false,
      capabilities: ['extra', 'echo', 'text', 'streaming'],
      static_headers: { 'X-Tenant': '********', 'X-Extra': '********' },
      updated_by: 'admin-1',
    });
    const stored = app.get(A2aAgentDirectory).get('echo-agent');
    expect(stored).toMatchObject({ authValue: 'top-secret', enabled: false });
    expect(stored?.staticHeaders).toEqual({ 'X-Tenant': 'acme', 'X-Extra': '1' });
    expect(auditor.events.at(-1)).toEqual({
      action: 'a2a.agent.update',
      resourceId: 'echo-agent',
      ok: true,
    });
  });

  it('sets access groups and a per-key rate on an agent', async () => {
    const res = await call('PUT', '/a2a/agents/echo-agent', {
      access_groups: ['echo-group'],
      key_rpm_limit: 5,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ access_groups: ['echo-group'], key_rpm_limit: 5 });
    expect(app.get(A2aAgentDirectory).get('echo-agent')).toMatchObject({
      accessGroups: ['echo-group'],
      keyRpmLimit: 5,
    });
    const bad = await call('PUT', '/a2a/agents/echo-agent', { key_rpm_limit: 0 });
    expect(await bad.json()).toMatchObject({
      error: { code: 'invalid_a2a_agent', param: 'key_rpm_limit' },
    });
  });

  it('shows a user key only the agents it may call, without upstream details', async () => {
    const grouped: TestKey = { accessGroups: ['echo-group'] };
    const list = (await (await call('GET', '/a2a/agents', undefined, grouped)).json()) as {
      agents: Array<Record<string, unknown>>;
      total_count: number;
    };
    expect(list.total_count).toBe(1);
    expect(list.agents[0]).toMatchObject({
      agent_id: 'echo-agent',
      gateway_url: '/a2a/echo-agent',
    });
    for (const hidden of ['url', 'card_url', 'static_headers', 'auth_type', 'has_credentials']) {
      expect(list.agents[0]).not.toHaveProperty(hidden);
    }
    expect(JSON.stringify(list)).not.toContain(cardBase);

    const one = await call('GET', '/a2a/agents/echo-agent', undefined, grouped);
    expect(one.status).toBe(200);
    expect(await one.json()).not.toHaveProperty('url');
    const denied = await call('GET', '/a2a/agents/seed-bot', undefined, grouped);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({
      error: { code: 'a2a_agent_access_denied', type: 'permission_error' },
    });
    const missing = await call('GET', '/a2a/agents/nope', undefined, grouped);
    expect(missing.status).toBe(404);

    const listed = await call('GET', '/a2a/agents', undefined, { agents: ['seed-bot'] });
    expect(await listed.json()).toMatchObject({
      total_count: 1,
      agents: [{ agent_id: 'seed-bot' }],
    });
    const math = await call('GET', '/a2a/agents?capability=math', undefined, grouped);
    expect(await math.json()).toEqual({ agents: [], total_count: 0 });
  });

  it('shows upstream details to a key holding a2a.agent.write, and every agent to "*"', async () => {
    const manager = await call('GET', '/a2a/agents', undefined, {
      agents: ['*'],
      permissions: ['a2a.agent.write'],
    });
    const body = (await manager.json()) as { agents: Array<Record<string, unknown>> };
    expect(body.agents.map((agent) => agent.agent_id)).toEqual(['echo-agent', 'seed-bot']);
    expect(body.agents[0]).toMatchObject({
      url: `${cardBase}/echo/rpc`,
      static_headers: { 'X-Tenant': '********' },
    });
  });

  it('fetches a card on update from a new card URL, or again on refresh_card', async () => {
    const moved = await call('PUT', '/a2a/agents/seed-bot', { agent_card_url: `${cardBase}/echo` });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({
      url: `${cardBase}/echo/rpc`,
      card_url: `${cardBase}/echo/.well-known/agent-card.json`,
      protocol_version: '1.0',
      capabilities: ['math', 'echo', 'text', 'streaming'],
    });
    const refreshed = await call('PUT', '/a2a/agents/echo-agent', { refresh_card: true });
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).toMatchObject({
      capabilities: ['extra', 'echo', 'text', 'streaming'],
    });
    const gone = await call('PUT', '/a2a/agents/seed-bot', {
      agent_card_url: `${cardBase}/none.json`,
    });
    expect(gone.status).toBe(400);
    expect(await gone.json()).toMatchObject({ error: { code: 'invalid_agent_card' } });
  });

  it('answers 404 for an unknown agent and 400 naming every bad field on update', async () => {
    const missing = await call('PUT', '/a2a/agents/nope', { enabled: true });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'a2a_agent_not_found' } });
    expect(auditor.events.at(-1)).toEqual({
      action: 'a2a.agent.update',
      resourceId: 'nope',
      ok: false,
    });
    const bad = await call('PUT', '/a2a/agents/echo-agent', { enabled: 'x', timeout_ms: -1 });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_a2a_agent');
    expect(body.error.message).toContain('enabled:');
    expect(body.error.message).toContain('timeout_ms:');
    await expect(db.store.get('echo-agent')).resolves.toMatchObject({ timeoutMs: null });
  });

  it('gets an agent (404 when missing) and deletes it on both routes', async () => {
    expect(await (await call('GET', '/a2a/agents/seed-bot')).json()).toMatchObject({
      agent_id: 'seed-bot',
    });
    const missing = await call('GET', '/a2a/agents/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'a2a_agent_not_found' } });

    const deleted = await call('DELETE', '/a2a/agents/seed-bot');
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ deleted: true, agent_id: 'seed-bot' });
    const alias = await call('DELETE', '/agents/echo-agent');
    expect(await alias.json()).toEqual({ deleted: true, agent_id: 'echo-agent' });
    expect(auditor.events.at(-1)).toEqual({
      action: 'a2a.agent.delete',
      resourceId: 'echo-agent',
      ok: true,
    });
    expect((await call('DELETE', '/agents/echo-agent')).status).toBe(404);
    await expect(db.store.list()).resolves.toEqual([]);
  });
});
