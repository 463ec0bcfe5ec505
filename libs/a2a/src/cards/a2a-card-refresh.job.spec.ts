import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { InMemoryCoordinationBus, InMemoryExpiringStore } from '@routeiq/coordination';
import { AuditLogStore } from '@routeiq/persistence';
import {
  AuditModule,
  AuditService,
  DnsHostResolver,
  OutboundUrlGuard,
  resolveOutboundConfig,
  SafeOutboundClient,
} from '@routeiq/security';
import { DataSource } from 'typeorm';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveA2aConfig } from '../a2a.config';
import {
  agentInput,
  sqliteAgentStore,
  type SqliteAgentStore,
} from '../registry/__fixtures__/sqlite-agent-store';
import { A2aRegistryService } from '../registry/a2a-registry.service';
import { A2A_CARD_REFRESH_LOCK, A2aCardRefresher, A2aCardRefreshJob } from './a2a-card-refresh.job';
import { A2aCardFetcher } from './a2a-card.fetcher';
import { A2aRegistryCardRefresher } from './a2a-registry-card.refresher';

const AGENT_SECRET = 'agent-secret-token-42';

/** A loopback server for one agent card the spec changes; notes each fetch's credential. */
class CardServer {
  card: unknown;
  status = 200;
  readonly authorizations: (string | undefined)[] = [];
  private server: Server | undefined;

  get origin(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.authorizations.push(req.headers.authorization);
      res.writeHead(this.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(this.card));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

function card(origin: string, skills: string[], endpoint = `${origin}/rpc`) {
  return {
    name: 'Echo',
    supportedInterfaces: [{ url: endpoint, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
    skills: skills.map((id) => ({ id, name: id, tags: [] })),
  };
}

/** The spec's database as the global DataSource AuditModule needs. */
@Module({})
class TestDatabaseModule {
  static of(dataSource: DataSource): DynamicModule {
    return {
      module: TestDatabaseModule,
      global: true,
      providers: [{ provide: DataSource, useValue: dataSource }],
      exports: [DataSource],
    };
  }
}

/** The real AuditService on `dataSource`, fail-closed so its rows are written at once. */
async function auditModule(dataSource: DataSource): Promise<TestingModule> {
  const saved = process.env.AUDIT_LOG_FAIL_MODE;
  process.env.AUDIT_LOG_FAIL_MODE = 'closed';
  try {
    return await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true }),
        TestDatabaseModule.of(dataSource),
        AuditModule,
      ],
    }).compile();
  } finally {
    if (saved === undefined) delete process.env.AUDIT_LOG_FAIL_MODE;
    else process.env.AUDIT_LOG_FAIL_MODE = saved;
  }
}

/** A refresher whose answers each test scripts. */
class ScriptedRefresher extends A2aCardRefresher {
  readonly calls: string[] = [];
  answer: (agentId: string) => Promise<readonly string[]> = () => Promise.resolve([]);
  refreshCard(agentId: string): Promise<readonly string[]> {
    this.calls.push(agentId);
    return this.answer(agentId);
  }
}

describe(A2aCardRefreshJob.name, () => {
  const server = new CardServer();
  let guard: OutboundUrlGuard;
  let outbound: SafeOutboundClient;
  const config = resolveA2aConfig({ A2A_GATEWAY_ENABLED: 'true', A2A_CARD_REFRESH_SECONDS: '60' });
  let db: SqliteAgentStore;
  let bus: InMemoryCoordinationBus;
  let locks: InMemoryExpiringStore;
  let nowMs: number;
  let nest: TestingModule;
  let audit: AuditService;
  const registries: A2aRegistryService[] = [];

  /** One replica: its registry (loaded) and its job over the shared store, bus and database. */
  async function replica(refresher?: A2aCardRefresher) {
    const registry = new A2aRegistryService(db.store, bus, guard);
    registries.push(registry);
    registry.onModuleInit();
    await registry.onApplicationBootstrap();
    const real = new A2aRegistryCardRefresher(registry, new A2aCardFetcher(outbound));
    const job = new A2aCardRefreshJob(config, registry, locks, refresher ?? real, audit);
    return { registry, job };
  }

  async function auditRows() {
    const page = await new AuditLogStore(db.dataSource).find({
      action: 'a2a.agent.update',
      limit: 10,
    });
    return page.items;
  }

  beforeAll(async () => {
    await server.start();
    const allowlist = `${server.origin}/,http://127.0.0.1:9/`;
    const outboundConfig = resolveOutboundConfig({ LLMROUTER_OUTBOUND_URL_ALLOWLIST: allowlist });
    guard = new OutboundUrlGuard(outboundConfig, new DnsHostResolver());
    outbound = new SafeOutboundClient(guard);
  });
  afterAll(async () => {
    await server.stop();
    await outbound.onApplicationShutdown();
  });

  beforeEach(async () => {
    db = await sqliteAgentStore();
    bus = new InMemoryCoordinationBus();
    nowMs = 1_000_000;
    locks = new InMemoryExpiringStore(1000, () => nowMs);
    nest = await auditModule(db.dataSource);
    audit = nest.get(AuditService);
    server.status = 200;
    server.authorizations.length = 0;
    server.card = card(server.origin, ['echo']);
    await db.store.create(
      agentInput('echo', {
        url: `${server.origin}/rpc`,
        cardUrl: `${server.origin}/card.json`,
        card: card(server.origin, ['echo']),
        capabilities: ['echo', 'manual'],
        authType: 'bearer_token',
        authValue: AGENT_SECRET,
      }),
    );
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    registries.splice(0).forEach((registry) => registry.onModuleDestroy());
    await nest.close();
    await db.close();
  });

  it('saves a changed card on every replica, audited as the system, manual capabilities kept', async () => {
    const one = await replica();
    const other = await replica();
    server.card = card(server.origin, ['echo', 'translate']);
    const heard = new Promise<readonly string[]>((resolve) => other.registry.onChange(resolve));

    await expect(one.job.run()).resolves.toEqual(['echo']);

    await expect(heard).resolves.toEqual(['echo']);
    expect(server.authorizations).toEqual([`Bearer ${AGENT_SECRET}`]);
    for (const { registry } of [one, other]) {
      expect(registry.get('echo')).toMatchObject({
        card: server.card,
        capabilities: expect.arrayContaining(['echo', 'translate', 'manual']) as unknown,
        updatedBy: null,
      });
    }
    const [row, ...more] = await auditRows();
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      actorType: 'system',
      resourceType: 'a2a_agent',
      resourceId: 'echo',
      outcome: 'success',
      metadata: { changed: ['capabilities', 'card'], trigger: 'card_refresh' },
    });
    expect(JSON.stringify(row)).not.toContain(AGENT_SECRET);
  });

  it('saves nothing when the card did not change', async () => {
    const { registry, job } = await replica();
    const before = registry.get('echo')!.updatedAt;

    await expect(job.run()).resolves.toEqual([]);

    expect(server.authorizations).toHaveLength(1);
    expect((await db.store.get('echo'))?.updatedAt).toEqual(before);
    await expect(auditRows()).resolves.toEqual([]);
  });

  it('keeps the stored card when the fetch fails, and logs no secret', async () => {
    const { registry, job } = await replica();
    const stored = registry.get('echo')!.card;
    server.status = 500;
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

    await expect(job.run()).resolves.toEqual([]);

    expect(registry.get('echo')?.card).toEqual(stored);
    expect(warn).toHaveBeenCalledTimes(1);
    const [line] = warn.mock.calls[0] as [string];
    expect(line).toMatch(
      /"echo": card refresh failed, the stored card is kept \(invalid_agent_card/,
    );
    expect(line).not.toContain(AGENT_SECRET);
    expect(line).not.toContain('/card.json');
  });

  it('keeps an endpoint an admin set over the card’s own, and follows the card’s otherwise', async () => {
    await db.store.update('echo', { url: `${server.origin}/admin-set` }, null);
    const { registry, job } = await replica();
    server.card = card(server.origin, ['echo', 'new'], `${server.origin}/moved`);

    await job.run();
    expect(registry.get('echo')?.url).toBe(`${server.origin}/admin-set`);

    await db.store.update('echo', { url: `${server.origin}/moved` }, null);
    await registry.resync();
    server.card = card(server.origin, ['echo'], `${server.origin}/moved-again`);
    await locks.delete(A2A_CARD_REFRESH_LOCK, 'echo');
    await job.run();
    expect(registry.get('echo')?.url).toBe(`${server.origin}/moved-again`);
  });

  it('lets one replica refresh an agent per period; the others skip it', async () => {
    const refreshers = [new ScriptedRefresher(), new ScriptedRefresher()];
    const jobs = [(await replica(refreshers[0])).job, (await replica(refreshers[1])).job];
    const calls = () => refreshers.map((refresher) => refresher.calls.length);

    await Promise.all(jobs.map((job) => job.run()));
    expect(calls().sort()).toEqual([0, 1]);
    // The lock lasts a little under the 60 s period (54 s), whoever holds it.
    nowMs += 53_000;
    await Promise.all(jobs.map((job) => job.run()));
    expect(calls().sort()).toEqual([0, 1]);
    nowMs += 1000;
    await jobs[1]!.run();
    await jobs[0]!.run();
    expect(refreshers[1]!.calls).toEqual(['echo']);
    expect(calls().reduce((sum, count) => sum + count)).toBe(2);
  });

  it('skips disabled agents and agents without a card URL', async () => {
    await db.store.create(
      agentInput('off', { cardUrl: 'http://127.0.0.1:9/c.json', enabled: false }),
    );
    await db.store.create(agentInput('seed-style', { cardUrl: null }));
    const refresher = new ScriptedRefresher();
    const { job } = await replica(refresher);

    await job.run();

    expect(refresher.calls).toEqual(['echo']);
  });

  describe('schedule', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
    afterEach(() => jest.useRealTimers());

    it('runs a pass every period from bootstrap until the module is destroyed', async () => {
      const { job } = await replica(new ScriptedRefresher());
      const run = jest.spyOn(job, 'run').mockResolvedValue([]);

      job.onApplicationBootstrap();
      jest.advanceTimersByTime(59_000);
      expect(run).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1000);
      expect(run).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(60_000);
      expect(run).toHaveBeenCalledTimes(2);
      job.onModuleDestroy();
      jest.advanceTimersByTime(600_000);
      expect(run).toHaveBeenCalledTimes(2);
    });

    it.each([
      ['the gateway is off', { A2A_CARD_REFRESH_SECONDS: '60' }],
      ['the period is 0', { A2A_GATEWAY_ENABLED: 'true', A2A_CARD_REFRESH_SECONDS: '0' }],
    ])('never runs when %s', async (_case, env) => {
      const { registry } = await replica();
      const job = new A2aCardRefreshJob(
        resolveA2aConfig(env),
        registry,
        locks,
        new ScriptedRefresher(),
        audit,
      );
      const run = jest.spyOn(job, 'run').mockResolvedValue([]);

      job.onApplicationBootstrap();
      jest.advanceTimersByTime(3_600_000);

      expect(run).not.toHaveBeenCalled();
    });
  });
});
