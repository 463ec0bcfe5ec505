import { Logger } from '@nestjs/common';
import type { ConfigStore, GatewayConfig } from '@routeiq/config';
import type { DeploymentHealthState } from '@routeiq/coordination';
import type { DeploymentHealthService, ModelRegistryService } from '@routeiq/routing';
import { bootPlugins } from './__fixtures__/test-plugins';
import { PluginEventsListener } from './plugin-events.listener';
import type { CircuitBreakerChange, GatewayPlugin } from './plugin.types';

type HealthListener = (deploymentId: string, state: DeploymentHealthState) => void;

/** The two subscription points the listener uses, as plain in-process event sources. */
function sources(): {
  store: ConfigStore;
  health: DeploymentHealthService;
  models: ModelRegistryService;
  reload: (config: GatewayConfig) => void;
  healthChange: HealthListener;
  subscribers: () => number;
} {
  const configListeners = new Set<(config: GatewayConfig) => void>();
  const healthListeners = new Set<HealthListener>();
  return {
    store: {
      onChange: (l: (config: GatewayConfig) => void) => {
        configListeners.add(l);
        return () => configListeners.delete(l);
      },
    } as unknown as ConfigStore,
    health: {
      onChange: (l: HealthListener) => {
        healthListeners.add(l);
        return () => healthListeners.delete(l);
      },
    } as unknown as DeploymentHealthService,
    models: {
      groups: () => [{ name: 'gpt', deployments: [{ id: 'dep-1' }] }],
    } as unknown as ModelRegistryService,
    reload: (config) => configListeners.forEach((l) => l(config)),
    healthChange: (id, state) => healthListeners.forEach((l) => l(id, state)),
    subscribers: () => configListeners.size + healthListeners.size,
  };
}

const state = (
  circuit: DeploymentHealthState['circuit'],
  cooldownUntil = 0,
): DeploymentHealthState => ({ circuit, circuitSince: 1, probeSuccesses: 0, cooldownUntil });

describe(PluginEventsListener.name, () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  async function listen(
    plugin: GatewayPlugin,
  ): Promise<ReturnType<typeof sources> & { listener: PluginEventsListener }> {
    const { registry, pipeline } = await bootPlugins([plugin]);
    const events = sources();
    const listener = new PluginEventsListener(
      registry,
      pipeline,
      events.store,
      events.health,
      events.models,
    );
    listener.onApplicationBootstrap();
    return { ...events, listener };
  }

  it('calls onConfigReload with the new config, and unsubscribes on destroy', async () => {
    const reloaded = jest.fn();
    const events = await listen({ name: 'r', capabilities: ['observe'], onConfigReload: reloaded });
    const config = { generation: 2 } as unknown as GatewayConfig;
    events.reload(config);
    expect(reloaded).toHaveBeenCalledWith(config);
    events.listener.onModuleDestroy();
    expect(events.subscribers()).toBe(0);
  });

  it('reports breaker and cooldown transitions once each, with the model group', async () => {
    const changes: CircuitBreakerChange[] = [];
    const events = await listen({
      name: 'b',
      capabilities: ['observe'],
      onCircuitBreakerChange: (change) => void changes.push(change),
    });
    events.healthChange('dep-1', state('closed', Date.now() + 60_000));
    events.healthChange('dep-1', state('closed', Date.now() + 90_000));
    events.healthChange('dep-1', state('open'));
    events.healthChange('dep-1', state('half_open'));
    events.healthChange('dep-1', state('closed'));
    expect(changes.map((c) => `${c.from}>${c.to}`)).toEqual([
      'closed>cooldown',
      'cooldown>open',
      'open>half_open',
      'half_open>closed',
    ]);
    expect(changes[0]).toMatchObject({ deploymentId: 'dep-1', modelGroup: 'gpt' });
  });

  it('subscribes to nothing when no plugin has the hooks', async () => {
    const events = await listen({
      name: 'q',
      capabilities: ['observe'],
      onRequest: () => undefined,
    });
    expect(events.subscribers()).toBe(0);
  });
});
