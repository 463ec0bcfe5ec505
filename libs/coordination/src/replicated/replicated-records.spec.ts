import { InMemoryCoordinationBus } from '../in-memory-coordination';
import { ReplicatedRecords, type ReplicatedSource } from './replicated-records';

interface Item {
  id: string;
  value: number;
}

/** The shared table two replicas read; `failing` makes every read reject. */
class Table implements ReplicatedSource<Item> {
  readonly rows = new Map<string, Item>();
  failing = false;

  list(): Promise<Item[]> {
    if (this.failing) return Promise.reject(new Error('database down'));
    return Promise.resolve([...this.rows.values()].map((row) => ({ ...row })));
  }

  get(id: string): Promise<Item | null> {
    if (this.failing) return Promise.reject(new Error('database down'));
    const row = this.rows.get(id);
    return Promise.resolve(row ? { ...row } : null);
  }
}

const OPTIONS = {
  topic: 'test.items.changed',
  idsField: 'itemIds',
  noun: 'item',
  context: 'ReplicatedRecordsSpec',
  idOf: (item: Item) => item.id,
};

/** Resolves with the ids of the next change `records` reports. */
function nextChange(records: ReplicatedRecords<Item>): Promise<readonly string[]> {
  return new Promise((resolve) => {
    const off = records.onChange((ids) => {
      off();
      resolve(ids);
    });
  });
}

describe(ReplicatedRecords.name, () => {
  let table: Table;
  let bus: InMemoryCoordinationBus;
  let a: ReplicatedRecords<Item>;
  let b: ReplicatedRecords<Item>;

  beforeEach(async () => {
    table = new Table();
    table.rows.set('y', { id: 'y', value: 1 });
    table.rows.set('x', { id: 'x', value: 1 });
    bus = new InMemoryCoordinationBus();
    a = new ReplicatedRecords(table, bus, OPTIONS);
    b = new ReplicatedRecords(table, bus, OPTIONS);
    for (const replica of [a, b]) {
      replica.subscribe();
      await replica.start();
    }
  });

  afterEach(() => {
    a.stop();
    b.stop();
  });

  it('loads the table at start, ordered by id', () => {
    expect(a.ready).toBe(true);
    expect(a.list().map((item) => item.id)).toEqual(['x', 'y']);
    expect(b.get('y')).toEqual({ id: 'y', value: 1 });
  });

  it('shows a write on the writing replica at once and on the other after the message', async () => {
    table.rows.set('z', { id: 'z', value: 7 });
    const seenByB = nextChange(b);
    await a.stored({ id: 'z', value: 7 });
    expect(a.get('z')).toEqual({ id: 'z', value: 7 });
    expect(await seenByB).toEqual(['z']);
    expect(b.get('z')).toEqual({ id: 'z', value: 7 });
    expect(b.list().map((item) => item.id)).toEqual(['x', 'y', 'z']);

    table.rows.delete('x');
    const removedOnB = nextChange(b);
    await a.removed('x');
    expect(a.get('x')).toBeUndefined();
    expect(await removedOnB).toEqual(['x']);
    expect(b.get('x')).toBeUndefined();
  });

  it('ignores malformed messages and reloads named ids from the table', async () => {
    await bus.publish(OPTIONS.topic, { itemIds: 'x' });
    await bus.publish(OPTIONS.topic, { itemIds: [] });
    table.rows.set('x', { id: 'x', value: 2 });
    const changed = nextChange(b);
    await bus.publish(OPTIONS.topic, { itemIds: ['x'] });
    expect(await changed).toEqual(['x']);
    expect(b.get('x')?.value).toBe(2);
  });

  it('catches up on resync, telling listeners only what changed', async () => {
    table.rows.set('y', { id: 'y', value: 5 });
    table.rows.set('w', { id: 'w', value: 1 });
    const changed = nextChange(b);
    await b.resync();
    expect([...(await changed)].sort()).toEqual(['w', 'y']);
    expect(b.get('y')?.value).toBe(5);
  });

  it('never throws when the table cannot be read, and keeps what it had', async () => {
    table.failing = true;
    await expect(b.resync()).resolves.toBeUndefined();
    expect(b.list().map((item) => item.id)).toEqual(['x', 'y']);
    const fresh = new ReplicatedRecords(table, bus, OPTIONS);
    await fresh.start();
    expect(fresh.ready).toBe(false);
    expect(fresh.list()).toEqual([]);
    fresh.stop();
  });

  it('keeps notifying the other listeners when one throws', async () => {
    b.onChange(() => {
      throw new Error('listener bug');
    });
    table.rows.set('v', { id: 'v', value: 1 });
    const changed = nextChange(b);
    await a.stored({ id: 'v', value: 1 });
    expect(await changed).toEqual(['v']);
  });
});
