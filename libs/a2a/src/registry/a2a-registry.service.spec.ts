import { InMemoryCoordinationBus } from '@routeiq/coordination';
import {
  HostResolver,
  OutboundException,
  OutboundUrlGuard,
  resolveOutboundConfig,
  SsrfBlockReason,
} from '@routeiq/security';
import { A2aErrorCode, A2aException } from '../a2a.exception';
import {
  agentInput,
  sqliteAgentStore,
  type SqliteAgentStore,
} from './__fixtures__/sqlite-agent-store';
import { A2A_REGISTRY_CHANGED_TOPIC, A2aRegistryService } from './a2a-registry.service';

class TableResolver extends HostResolver {
  async resolve(hostname: string): Promise<readonly string[]> {
    const table: Record<string, string[]> = {
      'agent.example.com': ['93.184.216.34'],
      'rebind.evil': ['169.254.169.254'],
    };
    const addresses = table[hostname];
    if (!addresses) throw new Error(`ENOTFOUND ${hostname}`);
    return addresses;
  }
}

function nextChange(registry: A2aRegistryService): Promise<readonly string[]> {
  return new Promise((resolve) => {
    const stop = registry.onChange((ids) => {
      stop();
      resolve(ids);
    });
  });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('the call succeeded'),
    (error: unknown) => error,
  );
}

describe(A2aRegistryService.name, () => {
  const guard = new OutboundUrlGuard(
    resolveOutboundConfig({ LLMROUTER_OUTBOUND_URL_ALLOWLIST: 'http://127.0.0.1:9/allowed' }),
    new TableResolver(),
  );
  let db: SqliteAgentStore;
  let bus: InMemoryCoordinationBus;
  let replicas: A2aRegistryService[];

  async function start(): Promise<A2aRegistryService> {
    const registry = new A2aRegistryService(db.store, bus, guard);
    replicas.push(registry);
    registry.onModuleInit();
    await registry.onApplicationBootstrap();
    return registry;
  }

  beforeEach(async () => {
    db = await sqliteAgentStore();
    bus = new InMemoryCoordinationBus();
    replicas = [];
  });

  afterEach(async () => {
    replicas.forEach((registry) => registry.onModuleDestroy());
    await db.close();
  });

  it('loads every agent at start, ordered by id', async () => {
    await db.store.create(agentInput('zeta'));
    await db.store.create(agentInput('alpha', { enabled: false }));
    const registry = await start();
    expect(registry.ready).toBe(true);
    expect(registry.list().map((a) => a.agentId)).toEqual(['alpha', 'zeta']);
    expect(registry.get('alpha')?.enabled).toBe(false);
    expect(registry.get('missing')).toBeUndefined();
  });

  it('creates an agent on one replica and the other reloads it from the bus message', async () => {
    const writer = await start();
    const other = await start();
    const onWriter = nextChange(writer);
    const onOther = nextChange(other);
    const published: unknown[] = [];
    bus.subscribe(A2A_REGISTRY_CHANGED_TOPIC, (message) => published.push(message.payload));

    const created = await writer.create(agentInput('travel', { capabilities: ['book'] }));

    expect(writer.get('travel')).toEqual(created);
    await expect(onWriter).resolves.toEqual(['travel']);
    await expect(onOther).resolves.toEqual(['travel']);
    expect(other.get('travel')).toMatchObject({ agentId: 'travel', capabilities: ['book'] });
    expect(published).toEqual([{ agentIds: ['travel'] }]);

    const removed = nextChange(other);
    await writer.delete('travel');
    await expect(removed).resolves.toEqual(['travel']);
    expect(other.get('travel')).toBeUndefined();
    expect(other.list()).toEqual([]);
  });

  it('broadcasts an update: the other replica reloads the changed agent', async () => {
    const writer = await start();
    const other = await start();
    const created = nextChange(other);
    await writer.create(agentInput('travel'));
    await created;
    const published: unknown[] = [];
    bus.subscribe(A2A_REGISTRY_CHANGED_TOPIC, (message) => published.push(message.payload));
    const onOther = nextChange(other);

    await writer.update('travel', { enabled: false, name: 'Travel 2' }, 'admin-2');

    await expect(onOther).resolves.toEqual(['travel']);
    expect(other.get('travel')).toMatchObject({ enabled: false, name: 'Travel 2' });
    expect(published).toEqual([{ agentIds: ['travel'] }]);
  });

  it('reloads the agents named by a message, removals included, and ignores malformed ones', async () => {
    await db.store.create(agentInput('a'));
    await db.store.create(agentInput('b'));
    const registry = await start();
    await db.store.update('a', { name: 'A renamed' }, 'admin-2');
    await db.store.delete('b');
    const seen: Array<readonly string[]> = [];
    registry.onChange((ids) => seen.push(ids));

    await bus.publish(A2A_REGISTRY_CHANGED_TOPIC, { agentIds: 'a' });
    const changed = nextChange(registry);
    await bus.publish(A2A_REGISTRY_CHANGED_TOPIC, { agentIds: ['a', 'b'] });

    await expect(changed).resolves.toEqual(['a', 'b']);
    expect(seen).toEqual([['a', 'b']]);
    expect(registry.get('a')?.name).toBe('A renamed');
    expect(registry.list().map((agent) => agent.agentId)).toEqual(['a']);
  });

  it('catches up with missed writes on a resync, reporting only what changed', async () => {
    await db.store.create(agentInput('a'));
    await db.store.create(agentInput('b'));
    const registry = await start();
    await db.store.update('b', { enabled: false }, null);
    await db.store.create(agentInput('c'));

    const changed = nextChange(registry);
    await registry.resync();

    await expect(changed).resolves.toEqual(['b', 'c']);
    expect(registry.get('b')?.enabled).toBe(false);
  });

  it('refuses an endpoint or card URL the SSRF guard blocks, at registration and on update', async () => {
    const registry = await start();
    const loopback = await failure(
      registry.create(agentInput('local', { url: 'http://127.0.0.1:9/rpc' })),
    );
    expect(loopback).toBeInstanceOf(OutboundException);
    expect(loopback).toMatchObject({ status: 400, reason: SsrfBlockReason.Loopback });
    const card = await failure(
      registry.create(agentInput('card', { cardUrl: 'http://rebind.evil/card.json' })),
    );
    expect(card).toMatchObject({ reason: SsrfBlockReason.Metadata });
    await expect(db.store.list()).resolves.toEqual([]);

    await registry.create(agentInput('ok', { url: 'http://127.0.0.1:9/allowed/rpc' }));
    const rebind = await failure(registry.update('ok', { url: 'http://rebind.evil/rpc' }, null));
    expect(rebind).toMatchObject({ reason: SsrfBlockReason.Metadata });
    await expect(db.store.get('ok')).resolves.toMatchObject({
      url: 'http://127.0.0.1:9/allowed/rpc',
    });
  });

  it('answers 409 for a taken id and 404 for a missing agent', async () => {
    const registry = await start();
    await registry.create(agentInput('travel'));
    const exists = await failure(registry.create(agentInput('travel')));
    expect(exists).toBeInstanceOf(A2aException);
    expect(exists).toMatchObject({ status: 409, code: A2aErrorCode.AgentExists });
    await expect(registry.update('nope', { enabled: false }, null)).rejects.toMatchObject({
      status: 404,
      code: A2aErrorCode.AgentNotFound,
    });
    await expect(registry.delete('nope')).rejects.toMatchObject({ status: 404 });
    await expect(registry.fetch('nope')).rejects.toMatchObject({ status: 404 });
  });

  it('updates through the store and stamps the actor', async () => {
    const registry = await start();
    await registry.create(agentInput('travel'));
    const updated = await registry.update('travel', { enabled: false }, 'vk-9');
    expect(updated).toMatchObject({ enabled: false, updatedBy: 'vk-9' });
    expect(registry.get('travel')?.enabled).toBe(false);
  });
});
