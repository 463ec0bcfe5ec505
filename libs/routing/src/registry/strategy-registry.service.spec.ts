import { Logger } from '@nestjs/common';
import { ConfigStore, ConfigValidationError, resolveServerConfig } from '@routeiq/config';
import { InMemoryCoordinationBus, InMemorySharedStateStore } from '@routeiq/coordination';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoutingStrategy, type StrategyPick } from '../strategies/routing-strategy';
import { RoutingConfig } from './routing.config';
import { STRATEGY_STATE_NAME, StrategyRegistryService } from './strategy-registry.service';
import type { StrategyStatus } from './strategy-registry.types';

const yaml = (strategy: string): string =>
  [
    'model_list:',
    '  - model_name: demo',
    '    litellm_params: { model: mock/demo }',
    `router_settings: { routing_strategy: ${strategy} }`,
    '',
  ].join('\n');

class MlStrategy extends RoutingStrategy {
  readonly name = 'ml-router';
  readonly version = '2.1';

  pick(): StrategyPick {
    throw new Error('not routed in these tests');
  }
}

/** The in-memory bus, plus the reconnect a Redis bus reports after an outage. */
class ReconnectingBus extends InMemoryCoordinationBus {
  private readonly reconnectListeners = new Set<() => void>();

  override onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  reconnect(): void {
    for (const listener of this.reconnectListeners) listener();
  }
}

/** Lets the bus deliver and the replicas' reload queues drain, without waiting on a clock. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setImmediate(r));
  expect(check()).toBe(true);
}

const weightsOf = (status: StrategyStatus): Record<string, number> =>
  Object.fromEntries(status.strategies.filter((s) => s.weight > 0).map((s) => [s.name, s.weight]));
const stateOf = (status: StrategyStatus, name: string) =>
  status.strategies.find((s) => s.name === name)?.state;

describe(StrategyRegistryService.name, () => {
  let dir: string;
  let file: string;
  let shared: InMemorySharedStateStore;
  let bus: InMemoryCoordinationBus;
  const started: StrategyRegistryService[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-strategies-'));
    file = join(dir, 'config.yaml');
    writeFileSync(file, yaml('simple-shuffle'));
    shared = new InMemorySharedStateStore();
    bus = new InMemoryCoordinationBus();
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    for (const registry of started.splice(0)) registry.onModuleDestroy();
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One replica: its own config store over the shared file, the shared state and bus. */
  async function replica(
    boot = new RoutingConfig(),
    extra: RoutingStrategy[] = [],
  ): Promise<{ registry: StrategyRegistryService; store: ConfigStore }> {
    const store = new ConfigStore(resolveServerConfig({}, { config: file }));
    const registry = new StrategyRegistryService(store, shared, bus, boot);
    for (const strategy of extra) registry.register(strategy);
    registry.onModuleInit();
    started.push(registry);
    await registry.onApplicationBootstrap();
    return { registry, store };
  }

  it('starts with the configured strategy active and all the weight, and persists that', async () => {
    writeFileSync(file, yaml('least-busy'));
    const { registry } = await replica();
    const status = registry.status();
    expect(status).toMatchObject({
      active: 'least-busy',
      default: 'simple-shuffle',
      configured: 'least-busy',
      active_source: 'config',
      rollback_target: null,
      experiment: null,
      revision: 1,
    });
    expect(weightsOf(status)).toEqual({ 'least-busy': 100 });
    expect(status.strategies.map((s) => s.name)).toEqual([
      'cost-based-routing',
      'latency-based-routing',
      'least-busy',
      'simple-shuffle',
      'usage-based-routing',
    ]);
    expect(registry.select({ requestId: 'r' }).strategy.name).toBe('least-busy');
    expect(registry.defaultStrategy().name).toBe('simple-shuffle');
    expect(JSON.parse((await shared.get(STRATEGY_STATE_NAME))!)).toMatchObject({
      active: 'least-busy',
      revision: 1,
    });
  });

  it('stages a canary, promotes it, and rolls back', async () => {
    const { registry } = await replica();
    let status = await registry.stage('least-busy', 10);
    expect(stateOf(status, 'least-busy')).toBe('staged');
    expect(weightsOf(status)).toEqual({ 'simple-shuffle': 100, 'least-busy': 10 });
    expect(status.strategies.find((s) => s.name === 'least-busy')?.share).toBeCloseTo(10 / 110, 4);

    status = await registry.promote();
    expect(status).toMatchObject({
      active: 'least-busy',
      active_source: 'operator',
      rollback_target: 'simple-shuffle',
    });
    expect(stateOf(status, 'simple-shuffle')).toBe('disabled');
    expect(weightsOf(status)).toEqual({ 'least-busy': 100 });
    expect(registry.select({ user: 'u', requestId: 'r' }).strategy.name).toBe('least-busy');

    status = await registry.rollback();
    expect(status).toMatchObject({
      active: 'simple-shuffle',
      active_source: 'config',
      rollback_target: null,
    });
    expect(stateOf(status, 'least-busy')).toBe('disabled');
    expect(weightsOf(status)).toEqual({ 'simple-shuffle': 100 });
    await expect(registry.rollback()).rejects.toMatchObject({
      status: 409,
      code: 'strategy_conflict',
    });
    expect(registry.status().revision).toBe(4);
  });

  it('promotes with explicit weights, and refuses promotions that make no sense', async () => {
    const { registry } = await replica();
    const conflict = { status: 409, code: 'strategy_conflict' };
    await expect(registry.promote()).rejects.toMatchObject(conflict);
    await expect(registry.promote('least-busy')).rejects.toMatchObject(conflict);
    await expect(registry.promote('simple-shuffle')).rejects.toMatchObject(conflict);
    expect(() => registry.stage('simple-shuffle')).not.toThrow();
    await expect(registry.stage('simple-shuffle')).rejects.toMatchObject(conflict);
    await registry.stage('least-busy');
    await registry.stage('cost-based-routing');
    await expect(registry.promote()).rejects.toMatchObject({
      ...conflict,
      message: expect.stringContaining('cost-based-routing, least-busy'),
    });
    const status = await registry.promote('least-busy', { 'least-busy': 80, 'simple-shuffle': 20 });
    expect(weightsOf(status)).toEqual({ 'least-busy': 80, 'simple-shuffle': 20 });
    expect(stateOf(status, 'simple-shuffle')).toBe('staged');
    expect(stateOf(status, 'cost-based-routing')).toBe('staged');
  });

  it('answers 404 for unknown strategies and 400 for bad weights, changing nothing', async () => {
    const { registry } = await replica();
    const notFound = { status: 404, code: 'strategy_not_found', param: 'strategy' };
    expect(() => registry.stage('nope')).toThrow(expect.objectContaining(notFound));
    expect(() => registry.promote('nope')).toThrow(expect.objectContaining(notFound));
    const invalid = { status: 400, code: 'invalid_strategy_weights' };
    for (const weights of [
      { 'simple-shuffle': -1 },
      { 'simple-shuffle': '50' },
      { 'simple-shuffle': 0, 'least-busy': 0 },
      { 'simple-shuffle': 50, 'least-bussy': 50 },
      [50],
      {},
    ]) {
      expect(() => registry.setWeights(weights as never)).toThrow(expect.objectContaining(invalid));
    }
    expect(() => registry.stage('least-busy', Number.NaN)).toThrow(
      expect.objectContaining({ ...invalid, param: 'weight' }),
    );
    // Staging the only weighted strategy's rival at 0 while the active has 0 would leave no traffic.
    await registry.setWeights({ 'least-busy': 1 });
    await expect(registry.stage('least-busy', 0)).rejects.toMatchObject(invalid);
    expect(weightsOf(registry.status())).toEqual({ 'least-busy': 1 });
    expect(registry.status().revision).toBe(2);
  });

  it('counts strategy failures in the status', async () => {
    const { registry } = await replica();
    registry.recordFailure('least-busy', 'TypeError: boom');
    registry.recordFailure('least-busy', 'x'.repeat(500));
    const entry = registry.status().strategies.find((s) => s.name === 'least-busy')!;
    expect(entry.failures).toBe(2);
    expect(entry.last_failure?.reason).toHaveLength(200);
    expect(Date.parse(entry.last_failure!.at)).not.toBeNaN();
  });

  it('follows a config change of routing_strategy, unless an operator chose at runtime', async () => {
    const { registry, store } = await replica();
    await registry.setWeights({ 'simple-shuffle': 90, 'cost-based-routing': 10 });
    writeFileSync(file, yaml('least-busy'));
    await store.reload();
    await registry.reload();
    let status = registry.status();
    expect(status).toMatchObject({
      active: 'least-busy',
      configured: 'least-busy',
      active_source: 'config',
      rollback_target: 'simple-shuffle',
    });
    expect(weightsOf(status)).toEqual({ 'least-busy': 90, 'cost-based-routing': 10 });

    await registry.stage('simple-shuffle');
    await registry.promote('simple-shuffle');
    writeFileSync(file, yaml('latency-based-routing'));
    await store.reload();
    await registry.reload();
    status = registry.status();
    expect(status).toMatchObject({
      active: 'simple-shuffle',
      configured: 'latency-based-routing',
      active_source: 'operator',
    });
  });

  it('refuses boot settings naming an unregistered strategy, and takes registered ones', async () => {
    const boot = new RoutingConfig({ 'simple-shuffle': 50, 'ml-router': 50 });
    await expect(replica(boot)).rejects.toThrow(ConfigValidationError);
    await expect(replica(boot)).rejects.toThrow(
      /LLMROUTER_STRATEGY_WEIGHTS: unknown strategy "ml-router"/,
    );
    const { registry } = await replica(boot, [new MlStrategy()]);
    expect(registry.status().strategies.find((s) => s.name === 'ml-router')).toMatchObject({
      version: '2.1',
      state: 'staged',
      weight: 50,
    });
  });

  it('shares every change with the other replicas through the store and the bus', async () => {
    const a = (await replica()).registry;
    const b = (await replica()).registry;
    await a.setWeights({ 'simple-shuffle': 50, 'least-busy': 50 });
    await until(() => b.status().revision === 2);
    expect(weightsOf(b.status())).toEqual({ 'simple-shuffle': 50, 'least-busy': 50 });
    for (let i = 0; i < 50; i++) {
      const keys = { user: `user-${i}`, requestId: `r-${i}` };
      expect(b.select(keys)).toEqual(a.select(keys));
    }

    await b.promote('least-busy');
    await until(() => a.status().active === 'least-busy');
    expect(a.status()).toEqual(b.status());

    const late = (await replica()).registry;
    expect(late.status()).toEqual(b.status());
  });

  it('keeps runtime weights across restarts with the same boot settings, not with new ones', async () => {
    const boot = new RoutingConfig({ 'simple-shuffle': 90, 'least-busy': 10 });
    const first = (await replica(boot)).registry;
    expect(weightsOf(first.status())).toEqual({ 'simple-shuffle': 90, 'least-busy': 10 });
    await first.setWeights({ 'simple-shuffle': 70, 'least-busy': 30 });

    const same = (await replica(boot)).registry;
    expect(weightsOf(same.status())).toEqual({ 'simple-shuffle': 70, 'least-busy': 30 });

    const experiment = new RoutingConfig(undefined, {
      id: 'exp-1',
      variants: {
        control: { strategy: 'simple-shuffle', weight: 1 },
        treatment: { strategy: 'cost-based-routing', weight: 1 },
      },
    });
    const changed = (await replica(experiment)).registry;
    expect(weightsOf(changed.status())).toEqual({ 'simple-shuffle': 1, 'cost-based-routing': 1 });
    await until(() => first.status().experiment?.id === 'exp-1');
    const picks = new Set(
      Array.from({ length: 40 }, (_, i) => first.select({ requestId: `${i}` }).experiment?.variant),
    );
    expect(picks).toEqual(new Set(['control', 'treatment']));
  });

  it('replaces an unreadable stored state at start-up', async () => {
    await shared.set(STRATEGY_STATE_NAME, '{"v": 1, "active": 7}');
    const { registry } = await replica();
    expect(registry.status()).toMatchObject({ active: 'simple-shuffle', revision: 1 });
    expect(JSON.parse((await shared.get(STRATEGY_STATE_NAME))!)).toMatchObject({ revision: 1 });
  });

  it('reloads the shared state when its bus comes back: a change announced meanwhile was missed', async () => {
    const { registry: writer } = await replica();
    const deafBus = new ReconnectingBus();
    const deaf = new StrategyRegistryService(
      new ConfigStore(resolveServerConfig({}, { config: file })),
      shared,
      deafBus,
      new RoutingConfig(),
    );
    deaf.onModuleInit();
    started.push(deaf);
    await deaf.onApplicationBootstrap();

    await writer.setWeights({ 'simple-shuffle': 1, 'least-busy': 3 });
    expect(weightsOf(deaf.status())).toEqual({ 'simple-shuffle': 100 });

    deafBus.reconnect();
    await until(() => deaf.status().revision === writer.status().revision);
    expect(weightsOf(deaf.status())).toEqual({ 'simple-shuffle': 1, 'least-busy': 3 });
  });
});
