import { InMemoryCoordinationBus, WarmUpRegistry } from '@routeiq/coordination';
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

// The registry's generic behaviour (replication, 404/409, when vetting runs) is covered by the
// ReplicatedRegistry spec; this one covers what is A2A's own, over the real SQLite store.

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

  async function start(warmUp?: WarmUpRegistry): Promise<A2aRegistryService> {
    const registry = new A2aRegistryService(db.store, bus, guard, warmUp);
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

  it('announces writes as { agentIds } on a2a.registry.changed; other replicas follow', async () => {
    const writer = await start();
    const other = await start();
    const published: unknown[] = [];
    bus.subscribe(A2A_REGISTRY_CHANGED_TOPIC, (message) => published.push(message.payload));

    const onCreate = nextChange(other);
    const created = await writer.create(agentInput('travel', { capabilities: ['book'] }));
    await expect(onCreate).resolves.toEqual(['travel']);
    expect(other.get('travel')).toEqual(created);

    const onUpdate = nextChange(other);
    await writer.update('travel', { enabled: false, name: 'Travel 2' }, 'admin-2');
    await expect(onUpdate).resolves.toEqual(['travel']);
    expect(other.get('travel')).toMatchObject({ enabled: false, name: 'Travel 2' });

    const onDelete = nextChange(other);
    await writer.delete('travel');
    await expect(onDelete).resolves.toEqual(['travel']);
    expect(other.list()).toEqual([]);
    expect(published).toEqual([
      { agentIds: ['travel'] },
      { agentIds: ['travel'] },
      { agentIds: ['travel'] },
    ]);
  });

  it('holds readiness down as a2a-registry until the first read', async () => {
    const warmUp = new WarmUpRegistry();
    const registry = new A2aRegistryService(db.store, bus, guard, warmUp);
    replicas.push(registry);
    registry.onModuleInit();
    expect(warmUp.pending()).toEqual(['a2a-registry']);
    await registry.onApplicationBootstrap();
    expect(warmUp.pending()).toEqual([]);
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
    const cardRebind = await failure(
      registry.update('ok', { cardUrl: 'http://rebind.evil/card.json' }, null),
    );
    expect(cardRebind).toMatchObject({ reason: SsrfBlockReason.Metadata });
    await expect(db.store.get('ok')).resolves.toMatchObject({
      url: 'http://127.0.0.1:9/allowed/rpc',
      cardUrl: null,
    });
  });

  it('checks a stored agent again when it is enabled, not when other fields change', async () => {
    await db.store.create(agentInput('old', { url: 'http://127.0.0.1:9/rpc', enabled: false }));
    const registry = await start();

    await expect(registry.update('old', { name: 'Old' }, null)).resolves.toMatchObject({
      name: 'Old',
    });
    const enabling = await failure(registry.update('old', { enabled: true }, null));
    expect(enabling).toMatchObject({ reason: SsrfBlockReason.Loopback });
    expect(registry.get('old')?.enabled).toBe(false);
  });

  it('answers A2aException 409 for a taken id and 404 for a missing agent', async () => {
    const registry = await start();
    await registry.create(agentInput('travel'));
    const exists = await failure(registry.create(agentInput('travel')));
    expect(exists).toBeInstanceOf(A2aException);
    expect(exists).toMatchObject({ status: 409, code: A2aErrorCode.AgentExists });
    for (const missing of [
      () => registry.update('nope', { enabled: false }, null),
      () => registry.delete('nope'),
      () => registry.fetch('nope'),
    ]) {
      const error = await failure(missing());
      expect(error).toBeInstanceOf(A2aException);
      expect(error).toMatchObject({ status: 404, code: A2aErrorCode.AgentNotFound });
    }
  });
});
