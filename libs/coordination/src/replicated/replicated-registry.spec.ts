import { InMemoryCoordinationBus } from '../in-memory-coordination';
import { WarmUpRegistry } from '../warm-up.registry';
import {
  Blocked,
  item,
  ItemError,
  ItemRegistry,
  ItemTable,
  TOPIC,
} from './__fixtures__/item-registry';
import { ReplicatedRegistry } from './replicated-registry';

/** Resolves with the ids of the next change `registry` reports. */
function nextChange(registry: ItemRegistry): Promise<readonly string[]> {
  return new Promise((resolve) => {
    const stop = registry.onChange((ids) => {
      stop();
      resolve(ids);
    });
  });
}

describe(ReplicatedRegistry.name, () => {
  let table: ItemTable;
  let bus: InMemoryCoordinationBus;
  let published: unknown[];
  let replicas: ItemRegistry[];

  async function start(warmUp?: WarmUpRegistry): Promise<ItemRegistry> {
    const registry = new ItemRegistry(table, bus, warmUp);
    replicas.push(registry);
    registry.onModuleInit();
    await registry.onApplicationBootstrap();
    return registry;
  }

  beforeEach(() => {
    table = new ItemTable();
    bus = new InMemoryCoordinationBus();
    published = [];
    bus.subscribe(TOPIC, (message) => published.push(message.payload));
    replicas = [];
  });

  afterEach(() => replicas.forEach((registry) => registry.onModuleDestroy()));

  it('loads every record at start, ordered by id', async () => {
    await table.create(item('zeta'));
    await table.create(item('alpha', { enabled: false }));
    const registry = await start();
    expect(registry.ready).toBe(true);
    expect(registry.list().map((row) => row.id)).toEqual(['alpha', 'zeta']);
    expect(registry.get('alpha')?.enabled).toBe(false);
    expect(registry.get('missing')).toBeUndefined();
  });

  it('starts when the database is down, holding readiness down until a resync reads it', async () => {
    await table.create(item('a'));
    table.failing = true;
    const warmUp = new WarmUpRegistry();
    const registry = await start(warmUp);
    expect(registry.ready).toBe(false);
    expect(registry.list()).toEqual([]);
    expect(warmUp.pending()).toEqual(['item-registry']);

    table.failing = false;
    const changed = nextChange(registry);
    await registry.resync();
    expect(registry.ready).toBe(true);
    expect(warmUp.pending()).toEqual([]);
    await expect(changed).resolves.toEqual(['a']);
    expect(registry.get('a')?.url).toBe('ok:a');
  });

  it('creates a record, serves it at once, and every replica reloads it and notifies', async () => {
    const writer = await start();
    const other = await start();
    const onWriter = nextChange(writer);
    const onOther = nextChange(other);

    const created = await writer.create(item('a', { name: 'A' }));

    expect(created).toEqual({ ...item('a', { name: 'A' }), updatedBy: null });
    expect(writer.get('a')).toEqual(created);
    await expect(onWriter).resolves.toEqual(['a']);
    await expect(onOther).resolves.toEqual(['a']);
    expect(other.get('a')).toEqual(created);
    expect(published).toEqual([{ itemIds: ['a'] }]);
    expect(writer.vetted).toEqual(['a ok:a']);
  });

  it('updates through the store, stamps the actor, and the other replica reloads it', async () => {
    await table.create(item('a'));
    const writer = await start();
    const other = await start();
    const onOther = nextChange(other);

    const updated = await writer.update('a', { name: 'A 2' }, 'vk-9');

    expect(updated).toEqual({ ...item('a', { name: 'A 2' }), updatedBy: 'vk-9' });
    expect(writer.get('a')).toEqual(updated);
    await expect(onOther).resolves.toEqual(['a']);
    expect(other.get('a')).toEqual(updated);
    expect(published).toEqual([{ itemIds: ['a'] }]);
  });

  it('deletes through the store: gone here at once and on the other replica after the message', async () => {
    await table.create(item('a'));
    await table.create(item('b'));
    const writer = await start();
    const other = await start();
    const onWriter = nextChange(writer);
    const onOther = nextChange(other);

    await writer.delete('a');

    expect(writer.get('a')).toBeUndefined();
    expect(table.rows.has('a')).toBe(false);
    await expect(onWriter).resolves.toEqual(['a']);
    await expect(onOther).resolves.toEqual(['a']);
    expect(other.list().map((row) => row.id)).toEqual(['b']);
    expect(published).toEqual([{ itemIds: ['a'] }]);
  });

  it('fetches the record as stored now, not this replica copy', async () => {
    const registry = await start();
    await registry.create(item('a'));
    table.rows.set('a', { ...item('a', { name: 'changed behind it' }), updatedBy: 'x' });
    await expect(registry.fetch('a')).resolves.toMatchObject({ name: 'changed behind it' });
    expect(registry.get('a')?.name).toBe('a');
  });

  it('answers `exists` for a taken id and `notFound` for a missing one, changing nothing', async () => {
    const registry = await start();
    await registry.create(item('a'));
    published.length = 0;
    const seen: Array<readonly string[]> = [];
    registry.onChange((ids) => seen.push(ids));

    const exists: unknown = await registry
      .create(item('a', { name: 'again' }))
      .catch((e: unknown) => e);
    expect(exists).toBeInstanceOf(ItemError);
    expect(exists).toMatchObject({ status: 409, id: 'a' });
    expect(table.rows.get('a')?.name).toBe('a');
    for (const attempt of [
      () => registry.update('nope', { name: 'x' }, null),
      () => registry.update('nope', { url: 'ok:x' }, null),
      () => registry.delete('nope'),
      () => registry.fetch('nope'),
    ]) {
      const error: unknown = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ItemError);
      expect(error).toMatchObject({ status: 404, id: 'nope' });
    }
    expect(seen).toEqual([]);
    expect(published).toEqual([]);
  });

  it('vets a record before creating it: a refused one is neither stored nor announced', async () => {
    const registry = await start();
    const seen: Array<readonly string[]> = [];
    registry.onChange((ids) => seen.push(ids));

    await expect(registry.create(item('bad', { url: 'blocked:x' }))).rejects.toBeInstanceOf(
      Blocked,
    );

    expect(registry.vetted).toEqual(['bad blocked:x']);
    expect(table.rows.size).toBe(0);
    expect(registry.get('bad')).toBeUndefined();
    expect(seen).toEqual([]);
    expect(published).toEqual([]);
  });

  it('vets the record as patched when the patch changes its URL or enables it, only then', async () => {
    await table.create(item('old', { url: 'blocked:old', enabled: false }));
    await table.create(item('a'));
    const registry = await start();

    await expect(registry.update('a', { url: 'blocked:a' }, null)).rejects.toBeInstanceOf(Blocked);
    expect(table.rows.get('a')?.url).toBe('ok:a');
    await expect(registry.update('old', { enabled: true }, null)).rejects.toBeInstanceOf(Blocked);
    expect(table.rows.get('old')?.enabled).toBe(false);
    expect(registry.vetted).toEqual(['a blocked:a', 'old blocked:old']);
    expect(published).toEqual([]);

    // Neither touches what is vetted: stored without asking.
    await registry.update('old', { name: 'renamed', enabled: false }, null);
    await registry.update('a', { url: 'ok:a2', enabled: true }, null);
    expect(registry.vetted).toEqual(['a blocked:a', 'old blocked:old', 'a ok:a2']);
    expect(registry.get('old')).toMatchObject({ name: 'renamed', url: 'blocked:old' });
    expect(registry.get('a')?.url).toBe('ok:a2');
  });

  it('reloads the records a message names, removals included, and ignores malformed ones', async () => {
    await table.create(item('a'));
    await table.create(item('b'));
    const registry = await start();
    await table.update('a', { name: 'A renamed' }, 'admin-2');
    await table.delete('b');
    const seen: Array<readonly string[]> = [];
    registry.onChange((ids) => seen.push(ids));

    await bus.publish(TOPIC, { itemIds: 'a' });
    await bus.publish(TOPIC, { itemIds: [] });
    await bus.publish(TOPIC, { itemIds: [1] });
    const changed = nextChange(registry);
    await bus.publish(TOPIC, { itemIds: ['a', 'b'] });

    await expect(changed).resolves.toEqual(['a', 'b']);
    expect(seen).toEqual([['a', 'b']]);
    expect(registry.get('a')?.name).toBe('A renamed');
    expect(registry.list().map((row) => row.id)).toEqual(['a']);
  });

  it('tells listeners of its own writes at once, and not again when the echo changes nothing', async () => {
    const registry = await start();
    const seen: Array<readonly string[]> = [];
    registry.onChange((ids) => seen.push(ids));
    await registry.create(item('a'));
    expect(seen).toEqual([['a']]);
    await bus.publish(TOPIC, { itemIds: ['a'] });
    await registry.resync();
    expect(seen).toEqual([['a']]);
  });

  it('catches up with writes it missed on a resync, reporting only what changed', async () => {
    await table.create(item('a'));
    await table.create(item('b'));
    const registry = await start();
    await table.update('b', { enabled: false }, null);
    await table.create(item('c'));

    const changed = nextChange(registry);
    await registry.resync();

    await expect(changed).resolves.toEqual(['b', 'c']);
    expect(registry.get('b')?.enabled).toBe(false);
  });

  it('keeps notifying the others when one listener throws', async () => {
    const registry = await start();
    registry.onChange(() => {
      throw new Error('listener bug');
    });
    const changed = nextChange(registry);
    await registry.create(item('a'));
    await expect(changed).resolves.toEqual(['a']);
  });

  it('stops following the bus once destroyed', async () => {
    const registry = await start();
    const live = await start();
    registry.onModuleDestroy();
    await table.create(item('a'));
    const seen: Array<readonly string[]> = [];
    registry.onChange((ids) => seen.push(ids));
    const onLive = nextChange(live);
    await bus.publish(TOPIC, { itemIds: ['a'] });
    await expect(onLive).resolves.toEqual(['a']);
    expect(seen).toEqual([]);
    expect(registry.get('a')).toBeUndefined();
  });
});
