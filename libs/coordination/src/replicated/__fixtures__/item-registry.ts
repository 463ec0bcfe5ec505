import type { InMemoryCoordinationBus } from '../../in-memory-coordination';
import type { WarmUpRegistry } from '../../warm-up.registry';
import { ReplicatedRegistry, type RegistryStore } from '../replicated-registry';

export interface Item {
  id: string;
  name: string;
  url: string;
  enabled: boolean;
  updatedBy: string | null;
}

export type ItemInput = Omit<Item, 'updatedBy'>;
export type ItemPatch = Partial<Omit<Item, 'id' | 'updatedBy'>>;

/** The shared table every replica reads; `failing` makes every call reject (database down). */
export class ItemTable implements RegistryStore<Item, ItemInput, ItemPatch> {
  readonly rows = new Map<string, Item>();
  failing = false;

  async list(): Promise<Item[]> {
    this.check();
    return [...this.rows.values()].map((row) => ({ ...row }));
  }

  async get(id: string): Promise<Item | null> {
    this.check();
    const row = this.rows.get(id);
    return row ? { ...row } : null;
  }

  async create(input: ItemInput): Promise<Item | null> {
    this.check();
    if (this.rows.has(input.id)) return null;
    this.rows.set(input.id, { ...input, updatedBy: null });
    return this.get(input.id);
  }

  async update(id: string, patch: ItemPatch, updatedBy: string | null): Promise<Item | null> {
    this.check();
    const row = this.rows.get(id);
    if (!row) return null;
    this.rows.set(id, { ...row, ...patch, updatedBy });
    return this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    this.check();
    return this.rows.delete(id);
  }

  private check(): void {
    if (this.failing) throw new Error('connect ECONNREFUSED');
  }
}

export class ItemError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
  ) {
    super(`${status} ${id}`);
  }
}

export class Blocked extends Error {}

export const TOPIC = 'test.items.changed';

/** Vets an item's URL on create, and on a patch that changes it or enables the item. */
export class ItemRegistry extends ReplicatedRegistry<Item, ItemInput, ItemPatch> {
  /** `id url` of every record vetted, in order. */
  readonly vetted: string[] = [];

  constructor(table: ItemTable, bus: InMemoryCoordinationBus, warmUp?: WarmUpRegistry) {
    super(
      table,
      bus,
      {
        topic: TOPIC,
        idsField: 'itemIds',
        noun: 'item',
        context: 'ReplicatedRegistrySpec',
        warmUpName: 'item-registry',
        idOf: (item) => item.id,
        notFound: (id) => new ItemError(404, id),
        exists: (id) => new ItemError(409, id),
      },
      warmUp,
    );
  }

  protected needsVetting(patch: ItemPatch): boolean {
    return patch.url !== undefined || patch.enabled === true;
  }

  protected async vet(item: ItemInput): Promise<void> {
    this.vetted.push(`${item.id} ${item.url}`);
    if (item.url.startsWith('blocked:')) throw new Blocked(item.url);
  }
}

export function item(id: string, overrides: Partial<ItemInput> = {}): ItemInput {
  return { id, name: id, url: `ok:${id}`, enabled: true, ...overrides };
}
