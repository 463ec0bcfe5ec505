import { DEFAULT_STRATEGY_NAME } from '../strategies/built-in-strategies';
import type { RoutingStrategy } from '../strategies/routing-strategy';
import type { SelectionTable } from './strategy-selector';
import type {
  RegistryDocument,
  StrategyStatus,
  StrategyStatusEntry,
} from './strategy-registry.types';

/** Errors a strategy threw on this replica: how many, and the last one. */
export interface FailureCount {
  readonly count: number;
  readonly reason: string;
  /** ISO time of the last failure. */
  readonly at: string;
}

/** The `GET /strategy/status` view: the shared state with this replica's versions and counters. */
export function registryStatus(
  doc: RegistryDocument,
  table: SelectionTable,
  strategies: ReadonlyMap<string, RoutingStrategy>,
  failures: ReadonlyMap<string, FailureCount>,
): StrategyStatus {
  const names = [...new Set([...Object.keys(doc.strategies), ...strategies.keys()])].sort();
  const entries = names.map((name): StrategyStatusEntry => {
    const slot = doc.strategies[name];
    const failure = failures.get(name);
    return {
      name,
      version: strategies.get(name)?.version ?? null,
      state: slot?.state ?? 'disabled',
      weight: slot?.weight ?? 0,
      share: round(table.share(name)),
      failures: failure?.count ?? 0,
      last_failure: failure ? { reason: failure.reason, at: failure.at } : null,
    };
  });
  const { experiment } = doc;
  return {
    active: doc.active,
    default: DEFAULT_STRATEGY_NAME,
    configured: doc.configured,
    active_source: doc.activeSource,
    rollback_target: doc.rollbackTarget,
    experiment: experiment && {
      id: experiment.id,
      bucket_by: experiment.bucketBy ?? null,
      variants: experiment.variants,
    },
    revision: doc.revision,
    updated_at: doc.updatedAt,
    strategies: entries,
  };
}

function round(share: number): number {
  return Math.round(share * 10_000) / 10_000;
}
