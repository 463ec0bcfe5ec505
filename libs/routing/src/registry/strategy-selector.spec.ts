import { createHash } from 'node:crypto';
import { RoutingStrategy, type StrategyPick } from '../strategies/routing-strategy';
import { seedDocument, withStaged, withWeights } from './registry-document';
import { RoutingConfig } from './routing.config';
import { bucketKeyOf, bucketOf, SelectionTable, WEIGHTS_BUCKET_SEED } from './strategy-selector';
import type { RegistryDocument } from './strategy-registry.types';

class NamedStrategy extends RoutingStrategy {
  readonly version = '1';

  constructor(readonly name: string) {
    super();
  }

  pick(): StrategyPick {
    throw new Error('not routed in these tests');
  }
}

const NAMES = ['a', 'b', 'c'];
const strategies = new Map(NAMES.map((name) => [name, new NamedStrategy(name)]));
const fallback = new NamedStrategy('fallback');
const base = seedDocument(NAMES, 'a', new RoutingConfig());

function tableOf(doc: RegistryDocument): SelectionTable {
  return SelectionTable.compile(doc, strategies, fallback);
}

function users(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `user-${i}`);
}

describe(SelectionTable.name, () => {
  it('buckets by the first 8 hex digits of sha256(seed:key) over 2^32', () => {
    const hex = createHash('sha256').update('exp-1:alice').digest('hex').slice(0, 8);
    expect(bucketOf('exp-1', 'alice')).toBe(parseInt(hex, 16) / 2 ** 32);
    expect(bucketOf('exp-1', 'alice')).toBe(bucketOf('exp-1', 'alice'));
    expect(bucketOf('exp-2', 'alice')).not.toBe(bucketOf('exp-1', 'alice'));
  });

  it('picks the bucket key: tenant, else user, else request; or as bucket_by says', () => {
    const keys = { tenant: 't', user: 'u', requestId: 'r' };
    expect(bucketKeyOf(keys, undefined)).toBe('t');
    expect(bucketKeyOf(keys, 'tenant')).toBe('t');
    expect(bucketKeyOf({ user: 'u', requestId: 'r' }, undefined)).toBe('u');
    expect(bucketKeyOf({ requestId: 'r' }, undefined)).toBe('r');
    expect(bucketKeyOf(keys, 'user')).toBe('u');
    expect(bucketKeyOf({ tenant: 't', requestId: 'r' }, 'user')).toBe('r');
    expect(bucketKeyOf(keys, 'request')).toBe('r');
  });

  it('returns one cached selection when a single strategy carries weight', () => {
    const table = tableOf(base);
    const first = table.select({ user: 'x', requestId: '1' });
    expect(first.strategy.name).toBe('a');
    expect(first.experiment).toBeUndefined();
    expect(table.select({ tenant: 'y', requestId: '2' })).toBe(first);
    // A staged strategy without weight gets no traffic.
    expect(tableOf(withStaged(base, 'b')).select({ requestId: '3' })).toMatchObject({
      strategy: { name: 'a' },
    });
  });

  it('splits by weight: the same user always gets the same strategy, ratios within 2%', () => {
    const table = tableOf(withWeights(base, { a: 70, b: 20, c: 10 }));
    const counts = new Map<string, number>();
    for (const user of users(10_000)) {
      const chosen = table.select({ user, requestId: `req-${user}` });
      counts.set(chosen.strategy.name, (counts.get(chosen.strategy.name) ?? 0) + 1);
      expect(table.select({ user, requestId: 'another request' })).toBe(chosen);
    }
    expect(Math.abs(counts.get('a')! / 10_000 - 0.7)).toBeLessThan(0.02);
    expect(Math.abs(counts.get('b')! / 10_000 - 0.2)).toBeLessThan(0.02);
    expect(Math.abs(counts.get('c')! / 10_000 - 0.1)).toBeLessThan(0.02);
    expect(table.share('a')).toBeCloseTo(0.7, 12);
    expect(table.share('b')).toBeCloseTo(0.2, 12);
    expect(table.share('c')).toBeCloseTo(0.1, 12);
  });

  it('maps buckets over cumulative weights in name order, whatever the document order', () => {
    const doc = withWeights(base, { c: 1, a: 1 });
    const reordered = { ...doc, strategies: { c: doc.strategies.c!, a: doc.strategies.a! } };
    for (const user of users(200)) {
      const expected = bucketOf(WEIGHTS_BUCKET_SEED, user) < 0.5 ? 'a' : 'c';
      expect(tableOf(doc).select({ user, requestId: 'r' }).strategy.name).toBe(expected);
      expect(tableOf(reordered).select({ user, requestId: 'r' }).strategy.name).toBe(expected);
    }
  });

  it('tags the experiment and variant, bucketing by the experiment id', () => {
    const doc: RegistryDocument = {
      ...withWeights(base, { a: 50, b: 50 }),
      experiment: { id: 'exp-9', bucketBy: 'request', variants: { control: 'a', treatment: 'b' } },
    };
    const table = tableOf(doc);
    for (const requestId of users(100)) {
      const expected = bucketOf('exp-9', requestId) < 0.5 ? 'control' : 'treatment';
      expect(table.select({ tenant: 'same tenant', requestId }).experiment).toEqual({
        id: 'exp-9',
        variant: expected,
      });
    }
  });

  it('skips strategies this replica does not run, and falls back when the active is one', () => {
    const doc = withWeights(
      { ...base, strategies: { ...base.strategies, ml: { state: 'staged', weight: 0 } } },
      { a: 1, ml: 99 },
    );
    expect(tableOf(doc).select({ requestId: 'r' }).strategy.name).toBe('a');
    const foreign = { ...base, active: 'ml', strategies: { ml: { state: 'active', weight: 1 } } };
    expect(tableOf(foreign as RegistryDocument).select({ requestId: 'r' }).strategy).toBe(fallback);
  });
});
