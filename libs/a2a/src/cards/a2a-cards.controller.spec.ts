import {
  Injectable,
  Module,
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
  type INestApplication,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { DefaultAgentCardResolver } from '@a2a-js/sdk/client';
import {
  attachRequestIds,
  GatewayException,
  GatewayExceptionFilter,
  ROUTE_ACCESS_METADATA,
  RouteAccess,
  type GatewayRequest,
} from '@routeiq/common';
import {
  NO_AGENT_RESTRICTIONS,
  type A2aAgentRecord,
  type VirtualKeyRecord,
} from '@routeiq/persistence';
import { attachResolvedKey } from '@routeiq/security';
import { A2aConfig, resolveA2aConfig } from '../a2a.config';
import { A2A_ROUTE_PATHS, A2aGatewayEnabledMiddleware } from '../a2a-gateway-enabled.middleware';
import { A2aAgentDirectory } from '../registry/a2a-agent.directory';
import { A2aCardService } from './a2a-card.service';
import { A2aCardsController } from './a2a-cards.controller';
import { A2A_CARD_CONTROLLERS } from './index';

const UPSTREAM = 'http://10.0.0.7:9000';

function agent(agentId: string, overrides: Partial<A2aAgentRecord> = {}): A2aAgentRecord {
  return {
    agentId,
    name: `${agentId} agent`,
    description: null,
    url: `${UPSTREAM}/${agentId}`,
    cardUrl: null,
    card: {
      name: `${agentId} agent`,
      description: 'd',
      version: '1',
      supportedInterfaces: [
        { url: `${UPSTREAM}/${agentId}`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
      ],
      capabilities: { streaming: true },
      defaultInputModes: ['text/plain'],
      defaultOutputModes: ['text/plain'],
      skills: [],
    },
    protocolVersion: '1.0',
    capabilities: [],
    accessGroups: [],
    keyRpmLimit: null,
    authType: 'none',
    authValue: null,
    apiKeyHeader: null,
    staticHeaders: {},
    timeoutMs: null,
    enabled: true,
    createdBy: null,
    updatedBy: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}

class FakeDirectory extends A2aAgentDirectory {
  agents = [
    agent('alpha'),
    agent('beta', { accessGroups: ['team-b'] }),
    agent('secret', { enabled: false }),
  ];
  list(): readonly A2aAgentRecord[] {
    return this.agents;
  }
  get(agentId: string): A2aAgentRecord | undefined {
    return this.agents.find((entry) => entry.agentId === agentId);
  }
  onChange(): () => void {
    return () => undefined;
  }
}

/**
 * Stands in for the global AuthGuard: open routes pass; others need any Bearer token (the master
 * key), or, with `x-test-agents`, a virtual key with those agent permissions; the optional routes
 * pass without a token and check one that is sent.
 */
@Injectable()
class BearerGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    const access = this.reflector.getAllAndOverride<RouteAccess>(ROUTE_ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access === RouteAccess.Public) return true;
    const req = context.switchToHttp().getRequest<GatewayRequest>();
    if (!req.headers.authorization) {
      if (access === RouteAccess.OptionalUserOrAdmin) return true;
      throw new GatewayException({ status: 401, code: 'missing_api_key', message: 'No key' });
    }
    const agents = req.headers['x-test-agents'];
    if (typeof agents !== 'string') {
      req.principal = { kind: 'master', keyId: 'master' };
      return true;
    }
    req.principal = { kind: 'virtual', keyId: 'vk-1' };
    const key = { agents: { ...NO_AGENT_RESTRICTIONS, ...JSON.parse(agents) } } as unknown;
    attachResolvedKey(req, {
      key: key as VirtualKeyRecord,
      team: null,
      keyId: 'vk-1',
      loadedAt: 0,
    });
    return true;
  }
}

@Module({})
class CardsTestModule implements NestModule {
  static register(config: A2aConfig, directory: A2aAgentDirectory): DynamicModule {
    return {
      module: CardsTestModule,
      controllers: A2A_CARD_CONTROLLERS,
      providers: [
        A2aCardService,
        { provide: A2aConfig, useValue: config },
        { provide: A2aAgentDirectory, useValue: directory },
        { provide: APP_GUARD, useClass: BearerGuard },
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(A2aGatewayEnabledMiddleware).forRoutes(...A2A_ROUTE_PATHS);
  }
}

async function boot(config: A2aConfig): Promise<{ app: INestApplication; url: string }> {
  const moduleRef = await Test.createTestingModule({
    imports: [CardsTestModule.register(config, new FakeDirectory())],
  }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
  attachRequestIds(app.getHttpServer());
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

const AUTH = { authorization: 'Bearer sk-user' };

describe(A2aCardsController.name, () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    ({ app, url } = await boot(resolveA2aConfig({ A2A_GATEWAY_ENABLED: 'true' })));
  });
  afterAll(() => app.close());

  it('serves an agent’s rewritten card at both paths, to a key', async () => {
    const host = new URL(url).host;
    for (const path of [
      '/a2a/alpha/.well-known/agent-card.json',
      '/.well-known/agents/alpha.json',
    ]) {
      const res = await fetch(`${url}${path}`, { headers: AUTH });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain(UPSTREAM);
      expect(JSON.parse(text)).toMatchObject({
        supportedInterfaces: [{ url: `http://${host}/a2a/alpha`, protocolVersion: '1.0' }, {}],
      });
    }
  });

  it('answers 403 a2a_agent_access_denied at both paths to a key that may not call the agent', async () => {
    const onlyB = { ...AUTH, 'x-test-agents': JSON.stringify({ accessGroups: ['team-b'] }) };
    for (const id of ['alpha', 'secret']) {
      for (const path of [
        `/a2a/${id}/.well-known/agent-card.json`,
        `/.well-known/agents/${id}.json`,
      ]) {
        const res = await fetch(`${url}${path}`, { headers: onlyB });
        expect(res.status).toBe(403);
        await expect(res.json()).resolves.toMatchObject({
          error: { code: 'a2a_agent_access_denied', type: 'permission_error' },
        });
      }
    }
    const allowed = await fetch(`${url}/.well-known/agents/beta.json`, { headers: onlyB });
    expect(allowed.status).toBe(200);
    const unknown = await fetch(`${url}/.well-known/agents/nobody.json`, { headers: onlyB });
    expect(unknown.status).toBe(404);
  });

  it('needs a key for an agent’s card', async () => {
    const res = await fetch(`${url}/a2a/alpha/.well-known/agent-card.json`);
    expect(res.status).toBe(401);
  });

  it('answers 404 a2a_agent_not_found for an unknown or disabled agent', async () => {
    for (const path of [
      '/a2a/secret/.well-known/agent-card.json',
      '/.well-known/agents/secret.json',
      '/a2a/nobody/.well-known/agent-card.json',
    ]) {
      const res = await fetch(`${url}${path}`, { headers: AUTH });
      expect(res.status).toBe(404);
      await expect(res.json()).resolves.toMatchObject({ error: { code: 'a2a_agent_not_found' } });
    }
  });

  it('serves the gateway card without a key at both well-known paths, listing no agent', async () => {
    for (const path of ['/.well-known/agent-card.json', '/.well-known/agent.json']) {
      const res = await fetch(`${url}${path}`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(res.status).toBe(200);
      const text = await res.text();
      for (const id of ['alpha', 'beta', 'secret']) expect(text).not.toContain(id);
      expect(JSON.parse(text)).toMatchObject({
        name: 'RouteIQ Gateway',
        url: `https://${new URL(url).host}/a2a`,
        skills: [],
      });
    }
  });

  it('lists in the gateway card the enabled agents the key may call', async () => {
    const onlyB = { ...AUTH, 'x-test-agents': JSON.stringify({ accessGroups: ['team-b'] }) };
    for (const path of ['/.well-known/agent-card.json', '/.well-known/agent.json']) {
      const all = await fetch(`${url}${path}`, { headers: AUTH });
      expect(all.status).toBe(200);
      const card = (await all.json()) as { skills: Array<{ id: string }> };
      expect(card.skills.map((skill) => skill.id)).toEqual(['alpha', 'beta']);
      const scoped = (await (await fetch(`${url}${path}`, { headers: onlyB })).json()) as {
        skills: Array<{ id: string }>;
      };
      expect(scoped.skills.map((skill) => skill.id)).toEqual(['beta']);
    }
  });

  it('is discovered by the official SDK resolver as a 1.0 card, legacy support on or off', async () => {
    for (const legacyCompat of [{ enabled: true }, { enabled: false }]) {
      const card = await new DefaultAgentCardResolver({ legacyCompat }).resolve(url);
      expect(card.name).toBe('RouteIQ Gateway');
      expect(card.supportedInterfaces.map((entry) => entry.protocolVersion)).toEqual([
        '1.0',
        '0.3',
      ]);
    }
  });
});

describe(A2aGatewayEnabledMiddleware.name, () => {
  it('answers 404 a2a_gateway_disabled on every A2A route, before authentication', async () => {
    const { app, url } = await boot(resolveA2aConfig({}));
    try {
      for (const path of [
        '/a2a',
        '/a2a/agents',
        '/a2a/alpha/.well-known/agent-card.json',
        '/agents/alpha',
        '/.well-known/agents/alpha.json',
        '/.well-known/agent-card.json',
        '/.well-known/agent.json',
      ]) {
        const res = await fetch(`${url}${path}`);
        expect(res.status).toBe(404);
        await expect(res.json()).resolves.toEqual({
          error: {
            message: expect.stringContaining('A2A_GATEWAY_ENABLED'),
            type: 'not_found_error',
            code: 'a2a_gateway_disabled',
            param: null,
          },
          request_id: expect.stringMatching(/.+/),
        });
      }
      const other = await fetch(`${url}/.well-known/other.json`);
      await expect(other.json()).resolves.not.toMatchObject({
        error: { code: 'a2a_gateway_disabled' },
      });
    } finally {
      await app.close();
    }
  });
});
