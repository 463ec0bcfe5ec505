import { createHash } from 'node:crypto';
import type { RoutingStrategy } from '../strategies/routing-strategy';
import type { BucketKey } from './routing.config';
import type { RegistryDocument, SelectionKeys, StrategySelection } from './strategy-registry.types';

/** Hash seed when weights split traffic without a named experiment. */
export const WEIGHTS_BUCKET_SEED = 'routeiq.strategy-weights';

const TWO_POW_32 = 0x1_0000_0000;

/**
 * Where `key` falls in [0, 1) for `seed`: the first 8 hex digits of sha256(`${seed}:${key}`) over
 * 2^32. The same key always lands in the same place, whichever replica computes it.
 */
export function bucketOf(seed: string, key: string): number {
  return createHash('sha256').update(`${seed}:${key}`).digest().readUInt32BE(0) / TWO_POW_32;
}

/**
 * The key a request is bucketed by. `tenant` (and no setting): tenant, else user, else request;
 * `user`: user, else request; `request`: every request on its own.
 */
export function bucketKeyOf(keys: SelectionKeys, bucketBy: BucketKey | undefined): string {
  if (bucketBy === 'request') return keys.requestId;
  if (bucketBy === 'user') return keys.user ?? keys.requestId;
  return keys.tenant ?? keys.user ?? keys.requestId;
}

/**
 * The registry document compiled for the request path: selection objects are built once here,
 * so `select` allocates nothing but the hash, and nothing at all when one strategy carries all
 * the weight.
 */
export class SelectionTable {
  private constructor(
    private readonly single: StrategySelection | undefined,
    private readonly arms: readonly StrategySelection[],
    /** Upper bound in [0, 1] of each arm's slice, in arm order; the last is 1. */
    private readonly bounds: Float64Array,
    private readonly seed: string,
    private readonly bucketBy: BucketKey | undefined,
  ) {}

  /**
   * Arms are the weighted strategies this replica runs, in name order (the same on every replica).
   * With none, the active strategy serves, or `fallback` when this replica does not run it.
   */
  static compile(
    doc: RegistryDocument,
    strategies: ReadonlyMap<string, RoutingStrategy>,
    fallback: RoutingStrategy,
  ): SelectionTable {
    const variantOf = new Map(
      Object.entries(doc.experiment?.variants ?? {}).map(([variant, name]) => [name, variant]),
    );
    const selectionOf = (strategy: RoutingStrategy): StrategySelection => {
      const variant = variantOf.get(strategy.name);
      return Object.freeze(
        doc.experiment && variant !== undefined
          ? { strategy, experiment: Object.freeze({ id: doc.experiment.id, variant }) }
          : { strategy },
      );
    };
    const weighted = Object.entries(doc.strategies)
      .filter(
        ([name, slot]) => slot.weight > 0 && slot.state !== 'disabled' && strategies.has(name),
      )
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const seed = doc.experiment?.id ?? WEIGHTS_BUCKET_SEED;
    const bucketBy = doc.experiment?.bucketBy;
    if (weighted.length <= 1) {
      const name = weighted[0]?.[0] ?? doc.active;
      const only = selectionOf(strategies.get(name) ?? fallback);
      return new SelectionTable(only, [only], Float64Array.of(1), seed, bucketBy);
    }
    const total = weighted.reduce((sum, [, slot]) => sum + slot.weight, 0);
    const bounds = new Float64Array(weighted.length);
    let cumulative = 0;
    weighted.forEach(([, slot], i) => {
      cumulative += slot.weight;
      bounds[i] = i === weighted.length - 1 ? 1 : cumulative / total;
    });
    const arms = weighted.map(([name]) => selectionOf(strategies.get(name)!));
    return new SelectionTable(undefined, arms, bounds, seed, bucketBy);
  }

  select(keys: SelectionKeys): StrategySelection {
    if (this.single !== undefined) return this.single;
    const at = bucketOf(this.seed, bucketKeyOf(keys, this.bucketBy));
    const last = this.arms.length - 1;
    for (let i = 0; i < last; i++) {
      if (at < this.bounds[i]!) return this.arms[i]!;
    }
    return this.arms[last]!;
  }

  /** Fraction of traffic that goes to `name` (0 to 1). */
  share(name: string): number {
    if (this.single !== undefined) return this.single.strategy.name === name ? 1 : 0;
    const i = this.arms.findIndex((arm) => arm.strategy.name === name);
    if (i < 0) return 0;
    return this.bounds[i]! - (i === 0 ? 0 : this.bounds[i - 1]!);
  }
}
