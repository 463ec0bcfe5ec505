import { PRICE_FIELDS, type ModelPriceEntry } from '../cost.types';
import shipped from './model-prices.json';

/** A price table: model ids (lower case) to per-token prices, plus aliases of those ids. */
export class PriceTable {
  private constructor(
    readonly asOf: string,
    readonly source: string,
    private readonly models: ReadonlyMap<string, ModelPriceEntry>,
    private readonly aliases: ReadonlyMap<string, string>,
  ) {}

  /**
   * Checks a table in the shipped file's format (`as_of`, `source`, `aliases`, `models`); throws
   * naming the first bad entry. Model ids and aliases are matched in lower case.
   */
  static parse(raw: unknown): PriceTable {
    const table = record(raw, 'price table');
    const asOf = text(table.as_of, 'as_of');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error('price table: as_of must be YYYY-MM-DD');
    const models = new Map<string, ModelPriceEntry>();
    for (const [name, entry] of Object.entries(record(table.models, 'models'))) {
      models.set(name.toLowerCase(), priceEntry(entry, `models.${name}`));
    }
    const aliases = new Map<string, string>();
    for (const [alias, target] of Object.entries(record(table.aliases ?? {}, 'aliases'))) {
      const name = text(target, `aliases.${alias}`).toLowerCase();
      if (!models.has(name)) throw new Error(`price table: alias ${alias} names no model`);
      aliases.set(alias.toLowerCase(), name);
    }
    return new PriceTable(asOf, text(table.source, 'source'), models, aliases);
  }

  get size(): number {
    return this.models.size;
  }

  /** The entry for a lower-case model id or alias, with the id it was found under. */
  find(name: string): { model: string; prices: ModelPriceEntry } | undefined {
    const model = this.models.has(name) ? name : this.aliases.get(name);
    const prices = model === undefined ? undefined : this.models.get(model);
    return model === undefined || prices === undefined ? undefined : { model, prices };
  }
}

/** The table shipped with the gateway (`model-prices.json`). */
export const SHIPPED_PRICES = PriceTable.parse(shipped);

function priceEntry(raw: unknown, path: string): ModelPriceEntry {
  const entry = record(raw, path);
  for (const key of Object.keys(entry)) {
    if (!(PRICE_FIELDS as readonly string[]).includes(key)) {
      throw new Error(`price table: ${path}.${key} is not a price field`);
    }
  }
  const prices: Record<string, number> = {};
  for (const field of PRICE_FIELDS) {
    const value = entry[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`price table: ${path}.${field} must be a number >= 0`);
    }
    prices[field] = value;
  }
  if (prices.input_cost_per_token === undefined || prices.output_cost_per_token === undefined) {
    throw new Error(`price table: ${path} needs input_cost_per_token and output_cost_per_token`);
  }
  return prices as unknown as ModelPriceEntry;
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`price table: ${path} must be a mapping`);
  }
  return value as Record<string, unknown>;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new Error(`price table: ${path} must be a non-empty string`);
  }
  return value;
}
