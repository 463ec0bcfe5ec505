import type { RoutingStrategy } from '../strategies/routing-strategy';
import type { BucketKey } from './routing.config';

/** `active`: the baseline (exactly one); `staged`: a candidate, with traffic when weighted. */
export type StrategyState = 'active' | 'staged' | 'disabled';

/** Who chose the active strategy: `router_settings.routing_strategy`, or an operator at runtime. */
export type ActiveSource = 'config' | 'operator';

/** One strategy's place in the shared registry state. */
export interface StrategySlot {
  readonly state: StrategyState;
  /** Relative share of traffic; 0 for disabled strategies. */
  readonly weight: number;
}

export interface RegistryExperiment {
  readonly id: string;
  readonly bucketBy?: BucketKey;
  /** Variant name → strategy name. */
  readonly variants: Readonly<Record<string, string>>;
}

/**
 * The registry state every replica shares (SharedStateStore document `routing.strategies`, JSON).
 * Versions are not in it: they belong to the code each replica runs.
 */
export interface RegistryDocument {
  readonly v: 1;
  /** +1 per change, for operators comparing replicas. */
  readonly revision: number;
  readonly active: string;
  /** The active strategy before the last promotion or config switch; `rollback` restores it. */
  readonly rollbackTarget: string | null;
  readonly activeSource: ActiveSource;
  /** The `routing_strategy` this document last followed. */
  readonly configured: string;
  /** The boot settings (env) this document last followed, as a comparable string. */
  readonly bootSettings: string;
  readonly strategies: Readonly<Record<string, StrategySlot>>;
  readonly experiment: RegistryExperiment | null;
  readonly updatedAt: string;
}

/** What the request picks its strategy by; tenant and user come from the verified key. */
export interface SelectionKeys {
  readonly tenant?: string;
  readonly user?: string;
  readonly requestId: string;
}

/** The strategy for one request, and the experiment arm when an experiment chose it. */
export interface StrategySelection {
  readonly strategy: RoutingStrategy;
  readonly experiment?: { readonly id: string; readonly variant: string };
}

/** One strategy in `GET /strategy/status`. */
export interface StrategyStatusEntry {
  readonly name: string;
  /** Null when this replica does not run the strategy (registered on other replicas only). */
  readonly version: string | null;
  readonly state: StrategyState;
  readonly weight: number;
  /** Fraction of traffic this replica sends it, 0 to 1. */
  readonly share: number;
  /** Errors thrown by the strategy on this replica since start. */
  readonly failures: number;
  readonly last_failure: { readonly reason: string; readonly at: string } | null;
}

/** `GET /strategy/status`, and the answer of every change. */
export interface StrategyStatus {
  readonly active: string;
  readonly default: string;
  readonly configured: string;
  readonly active_source: ActiveSource;
  readonly rollback_target: string | null;
  readonly experiment: {
    readonly id: string;
    readonly bucket_by: BucketKey | null;
    readonly variants: Readonly<Record<string, string>>;
  } | null;
  readonly revision: number;
  readonly updated_at: string;
  readonly strategies: readonly StrategyStatusEntry[];
}
