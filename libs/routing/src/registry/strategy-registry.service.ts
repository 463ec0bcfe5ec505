import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { CoordinationBus, SharedStateStore } from '@routeiq/coordination';
import {
  ConfigStore,
  ConfigValidationError,
  type GatewayConfig,
  type PreparedConfigChange,
} from '@routeiq/config';
import { RoutingException } from '../routing.exception';
import { BUILT_IN_STRATEGIES, DEFAULT_STRATEGY_NAME } from '../strategies/built-in-strategies';
import type { RoutingStrategy } from '../strategies/routing-strategy';
import {
  bootSettingsKey,
  nextRevision,
  parseRegistryDocument,
  seedDocument,
  stagedToPromote,
  withBootSettings,
  withConfigured,
  withPromoted,
  withRolledBack,
  withStaged,
  withWeights,
} from './registry-document';
import { RoutingConfig, unknownBootStrategies } from './routing.config';
import { registryStatus, type FailureCount } from './registry-status';
import { SelectionTable } from './strategy-selector';
import type {
  RegistryDocument,
  SelectionKeys,
  StrategySelection,
  StrategyStatus,
} from './strategy-registry.types';
import {
  isStrategyWeight,
  quoteName,
  weightsProblem,
  type StrategyWeights,
} from './strategy-weights';

/** The SharedStateStore document holding the registry state. */
export const STRATEGY_STATE_NAME = 'routing.strategies';
/** Published after every change; each replica then reloads the document. */
export const STRATEGIES_CHANGED_TOPIC = 'routing.strategies.changed';

const MAX_FAILURE_REASON = 200;

/**
 * Routing strategies by name, which one is the baseline (`active`), which are `staged`, and how
 * traffic is split between them for A/B tests. The state lives in a SharedStateStore document that
 * every replica loads at start-up and reloads when a change is announced on the bus; `select` reads
 * a table compiled from it and never waits for anything.
 *
 * Rules:
 * - The active strategy starts as `router_settings.routing_strategy`. A config change of it makes
 *   the new one active, unless an operator promoted (or rolled back to) another one at runtime:
 *   that choice stands until the config names the same strategy again, or a rollback/promotion
 *   returns to the configured one.
 * - `LLMROUTER_STRATEGY_WEIGHTS` / `LLMROUTER_EXPERIMENT_CONFIG` seed the weights. A replica that
 *   starts with the same settings as those that last shaped the shared state keeps its weights
 *   (runtime changes survive restarts); different settings replace the weights and experiment.
 * - Concurrent changes from two replicas: the last write wins, and every replica converges on it.
 */
@Injectable()
export class StrategyRegistryService
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy
{
  private readonly logger = new Logger('StrategyRegistry');
  private readonly strategies = new Map<string, RoutingStrategy>();
  private readonly failures = new Map<string, FailureCount>();
  private readonly fallback: RoutingStrategy;
  private doc: RegistryDocument;
  private table: SelectionTable;
  private configured = DEFAULT_STRATEGY_NAME;
  private started = false;
  private queue: Promise<unknown> = Promise.resolve();
  private unsubscribe?: () => void;

  constructor(
    private readonly store: ConfigStore,
    private readonly shared: SharedStateStore,
    private readonly bus: CoordinationBus,
    private readonly boot: RoutingConfig,
  ) {
    for (const strategy of BUILT_IN_STRATEGIES) this.strategies.set(strategy.name, strategy);
    const fallback = this.strategies.get(DEFAULT_STRATEGY_NAME);
    if (!fallback) throw new Error(`the default strategy ${DEFAULT_STRATEGY_NAME} is not built in`);
    this.fallback = fallback;
    // Provisional until start-up loads the shared state: boot weights may name strategies that
    // register later.
    this.doc = seedDocument([...this.strategies.keys()], this.configured, new RoutingConfig());
    this.table = SelectionTable.compile(this.doc, this.strategies, fallback);
  }

  /**
   * Adds a strategy (or a new version of one) by name. Register in a constructor or `onModuleInit`
   * so boot settings and the config may name it.
   */
  register(strategy: RoutingStrategy): void {
    this.strategies.set(strategy.name, strategy);
    this.adopt(this.doc);
  }

  onModuleInit(): void {
    this.store.register({ name: 'strategy-registry', prepare: (config) => this.prepare(config) });
    // Every replica reloads, the writer included: the store holds the last write, so all converge.
    // After a bus outage too: a change announced meanwhile was missed.
    const reload = () =>
      void this.reload().catch((error: unknown) =>
        this.logger.error(`reloading the strategy registry failed: ${String(error)}`),
      );
    const unsubscribe = this.bus.subscribe(STRATEGIES_CHANGED_TOPIC, reload);
    const stopCatchUp = this.bus.onReconnect(reload);
    this.unsubscribe = () => {
      unsubscribe();
      stopCatchUp();
    };
  }

  /** @throws ConfigValidationError when the boot settings name unregistered strategies. */
  async onApplicationBootstrap(): Promise<void> {
    const problems = unknownBootStrategies(this.boot, new Set(this.strategies.keys()));
    if (problems.length > 0) throw new ConfigValidationError(problems, 'environment');
    await this.enqueue(() => this.catchUp());
    this.started = true;
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** The strategy for one request. Synchronous, from memory; allocation-free with one strategy. */
  select(keys: SelectionKeys): StrategySelection {
    return this.table.select(keys);
  }

  /** `simple-shuffle`: what the router uses when the selected strategy throws. */
  defaultStrategy(): RoutingStrategy {
    return this.fallback;
  }

  /** Counts an error thrown by strategy `name` (never prompt text in `reason`). */
  recordFailure(name: string, reason: string): void {
    const count = (this.failures.get(name)?.count ?? 0) + 1;
    const at = new Date().toISOString();
    this.failures.set(name, { count, reason: reason.slice(0, MAX_FAILURE_REASON), at });
  }

  /** The strategies that carry traffic on this replica (`GET /router/info`). */
  weighted(): Array<{ name: string; version: string; weight: number }> {
    return Object.entries(this.doc.strategies).flatMap(([name, slot]) => {
      const strategy = this.strategies.get(name);
      return strategy && slot.weight > 0 && slot.state !== 'disabled'
        ? [{ name, version: strategy.version, weight: slot.weight }]
        : [];
    });
  }

  /** Re-reads the shared state (`POST /router/reload`, and every announced change). */
  reload(): Promise<void> {
    return this.enqueue(() => this.refresh());
  }

  status(): StrategyStatus {
    return registryStatus(this.doc, this.table, this.strategies, this.failures);
  }

  /** Replaces every weight (unnamed strategies get 0). */
  setWeights(weights: StrategyWeights): Promise<StrategyStatus> {
    const checked = this.checkedWeights(weights);
    return this.change((doc) => withWeights(doc, checked));
  }

  /** Stages `name`, with a canary `weight` (relative to the others) or the weight it had. */
  stage(name: string, weight?: number): Promise<StrategyStatus> {
    this.requireKnown(name);
    if (weight !== undefined && !isStrategyWeight(weight)) {
      throw RoutingException.invalidStrategyWeights(
        '"weight" must be a number from 0 to 1000000',
        'weight',
      );
    }
    return this.change((doc) => withStaged(doc, name, weight));
  }

  /** Makes the staged `name` (or the only staged strategy) active. See `withPromoted`. */
  promote(name?: string, weights?: StrategyWeights): Promise<StrategyStatus> {
    if (name !== undefined) this.requireKnown(name);
    const checked = weights && this.checkedWeights(weights);
    return this.change((doc) => withPromoted(doc, name ?? stagedToPromote(doc), checked));
  }

  /** Restores the active strategy before the last promotion; 409 when there is none. */
  rollback(): Promise<StrategyStatus> {
    return this.change((doc) => {
      if (doc.rollbackTarget !== null) this.requireKnown(doc.rollbackTarget);
      return withRolledBack(doc);
    });
  }

  private prepare(config: GatewayConfig): PreparedConfigChange {
    const name = config.routerSettings.routing_strategy;
    if (!this.strategies.has(name)) {
      const registered = [...this.strategies.keys()].sort().join(', ');
      const message = `strategy ${quoteName(name)} is not registered (registered: ${registered})`;
      return { problems: [{ path: 'router_settings.routing_strategy', message }], commit: noop };
    }
    return { problems: [], commit: () => this.followConfig(name) };
  }

  private followConfig(name: string): void {
    this.configured = name;
    if (!this.started) return this.adopt(withConfigured(this.doc, name));
    this.change((doc) => withConfigured(doc, name)).catch((error: unknown) =>
      this.logger.error(`applying routing_strategy ${name} failed: ${String(error)}`),
    );
  }

  /** Start-up: the shared state (seeded when there is none), following the config and env. */
  private async catchUp(): Promise<void> {
    let next = seedDocument([...this.strategies.keys()], this.configured, this.boot);
    try {
      const stored = await this.load();
      if (stored) next = withConfigured(stored, this.configured);
      if (next.bootSettings !== bootSettingsKey(this.boot))
        next = withBootSettings(next, this.boot);
      if (next === stored) return this.adopt(stored);
      await this.persist(next);
    } catch (error) {
      // Coordination starts without Redis too; the next announced change brings this replica in line.
      this.logger.error(
        `strategy registry state unavailable, using local settings: ${String(error)}`,
      );
      this.adopt(next);
    }
  }

  /** Applies `transition` to the freshest shared state, persists and announces the result. */
  private change(transition: (doc: RegistryDocument) => RegistryDocument): Promise<StrategyStatus> {
    return this.enqueue(async () => {
      const current = (await this.load()) ?? this.doc;
      const next = transition(current);
      if (next === current) this.adopt(current);
      else await this.persist(next);
      return this.status();
    });
  }

  private async refresh(): Promise<void> {
    const doc = await this.load();
    if (doc) this.adopt(doc);
  }

  private async load(): Promise<RegistryDocument | undefined> {
    const text = await this.shared.get(STRATEGY_STATE_NAME);
    if (text === undefined) return undefined;
    const doc = parseRegistryDocument(text);
    if (!doc) this.logger.warn(`stored ${STRATEGY_STATE_NAME} is unreadable; it will be replaced`);
    return doc;
  }

  private async persist(doc: RegistryDocument): Promise<void> {
    const next = nextRevision(doc, new Date());
    await this.shared.set(STRATEGY_STATE_NAME, JSON.stringify(next));
    this.adopt(next);
    try {
      await this.bus.publish(STRATEGIES_CHANGED_TOPIC, { revision: next.revision });
    } catch (error) {
      // Stored and live here; other replicas pick it up at their next reload or start.
      this.logger.error(
        `announcing strategy registry revision ${next.revision} failed: ${String(error)}`,
      );
    }
  }

  private adopt(doc: RegistryDocument): void {
    this.doc = doc;
    this.table = SelectionTable.compile(doc, this.strategies, this.fallback);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private requireKnown(name: string): void {
    if (!this.strategies.has(name)) throw RoutingException.strategyNotFound(name);
  }

  private checkedWeights(weights: StrategyWeights): StrategyWeights {
    const problem = weightsProblem(weights);
    if (problem !== undefined) throw RoutingException.invalidStrategyWeights(problem);
    const unknown = Object.keys(weights).filter((name) => !this.strategies.has(name));
    if (unknown.length > 0) {
      const names = unknown.map(quoteName).join(', ');
      throw RoutingException.invalidStrategyWeights(`unknown strategies: ${names}`);
    }
    return weights;
  }
}

function noop(): void {}
