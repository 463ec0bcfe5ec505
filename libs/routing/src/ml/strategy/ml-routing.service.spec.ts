import type { ConfigParticipant, ConfigStore, GatewayConfig } from '@routeiq/config';
import type { DeploymentHealthService } from '../../health/deployment-health.service';
import type { ModelRegistryService } from '../../model-registry.service';
import type { StrategyRegistryService } from '../../registry/strategy-registry.service';
import type { RoutingStrategy } from '../../strategies/routing-strategy';
import type {
  AcquireOptions,
  RouterArtifactService,
  RouterArtifactStatus,
  RouterHandle,
} from '../artifact/router-artifact.service';
import type { LoadedRouter } from '../ml.types';
import { codePoetryArtifact } from './__fixtures__/code-poetry.router';
import { loadedRouter } from './__fixtures__/ml-deployments';
import { MlRoutingService } from './ml-routing.service';

const routerA = loadedRouter(codePoetryArtifact(['a', 'b'], { code: 'a', poetry: 'b' }));
const routerB = loadedRouter(codePoetryArtifact(['a', 'b'], { code: 'b', poetry: 'a' }));

/** Artifact paths whose routers and errors the test sets; counts holds and releases. */
class FakeArtifacts {
  readonly routers = new Map<string, LoadedRouter>();
  readonly errors = new Map<string, string>();
  readonly held = new Map<string, number>();
  readonly acquired: Array<{ path: string; options: AcquireOptions }> = [];

  acquire(path: string, options: AcquireOptions): RouterHandle {
    this.acquired.push({ path, options });
    this.held.set(path, (this.held.get(path) ?? 0) + 1);
    const routers = this.routers;
    let released = false;
    return {
      path,
      get current() {
        return routers.get(path);
      },
      ready: Promise.resolve(),
      release: () => {
        if (!released) this.held.set(path, this.held.get(path)! - 1);
        released = true;
      },
    };
  }

  reloadAll(): Promise<RouterArtifactStatus[]> {
    return Promise.resolve(this.statuses());
  }

  statuses(): RouterArtifactStatus[] {
    return [...this.held.entries()]
      .filter(([, count]) => count > 0)
      .map(([path]) => ({
        path,
        version: this.routers.get(path)?.version,
        sha256: this.routers.get(path)?.sha256,
        loaded_at: this.routers.has(path) ? '2025-01-01T00:00:00.000Z' : undefined,
        last_error: this.errors.get(path),
        last_error_at: undefined,
        hot_reload: false,
        reload_interval_seconds: undefined,
      }));
  }
}

function config(args: Record<string, unknown>): GatewayConfig {
  return {
    modelList: [],
    routerSettings: { routing_strategy_args: args },
    sourcePath: '/etc/routeiq/config.yaml',
  } as unknown as GatewayConfig;
}

function setup() {
  const artifacts = new FakeArtifacts();
  const registered: RoutingStrategy[] = [];
  let participant: ConfigParticipant | undefined;
  const store = {
    register: (p: ConfigParticipant) => (participant = p),
  } as unknown as ConfigStore;
  const registry = {
    register: (s: RoutingStrategy) => registered.push(s),
  } as unknown as StrategyRegistryService;
  const service = new MlRoutingService(
    store,
    registry,
    artifacts as unknown as RouterArtifactService,
    { enforceSignedModels: true },
    { find: () => undefined } as unknown as ModelRegistryService,
    { availability: () => 'eligible' } as unknown as DeploymentHealthService,
  );
  service.onModuleInit();
  const apply = (args: Record<string, unknown>) => {
    const change = participant!.prepare(config(args));
    if (change.problems.length === 0) change.commit();
    return change.problems;
  };
  return { service, artifacts, registered, apply };
}

describe(MlRoutingService.name, () => {
  it('registers every llmrouter-* strategy', () => {
    const names = setup().registered.map((s) => s.name);
    expect(names).toHaveLength(11);
    expect(names).toEqual(expect.arrayContaining(['llmrouter-knn', 'llmrouter-custom']));
  });

  it('refuses bad learned-routing args at config load', () => {
    const { apply, artifacts } = setup();
    expect(apply({ model_path: 42, reload_interval: 0 }).map((p) => p.path)).toEqual([
      'router_settings.routing_strategy_args.model_path',
      'router_settings.routing_strategy_args.reload_interval',
    ]);
    expect(artifacts.acquired).toEqual([]);
  });

  it('acquires model_path (relative to the config file) with its reload settings', () => {
    const { service, apply, artifacts } = setup();
    expect(service.unavailableReason()).toBe('routing_strategy_args.model_path is not set');
    apply({ model_path: 'models/r', hot_reload: true, reload_interval: 10 });
    expect(artifacts.acquired).toEqual([
      { path: '/etc/routeiq/models/r', options: { hotReload: true, reloadIntervalSeconds: 10 } },
    ]);
    expect(service.unavailableReason()).toBe('the router artifact is not loaded yet');
    artifacts.errors.set('/etc/routeiq/models/r', 'hash_mismatch');
    expect(service.unavailableReason()).toBe('the router artifact did not load: hash_mismatch');
    artifacts.routers.set('/etc/routeiq/models/r', routerA);
    expect(service.router()).toBe(routerA);
    // The same settings again: nothing new is acquired.
    apply({ model_path: 'models/r', hot_reload: true, reload_interval: 10 });
    expect(artifacts.acquired).toHaveLength(1);
  });

  it('keeps serving the old path until the new one has a router, then lets it go', () => {
    const { service, apply, artifacts } = setup();
    artifacts.routers.set('/a', routerA);
    apply({ model_path: '/a' });
    apply({ model_path: '/b' });
    expect(service.router()).toBe(routerA);
    expect(artifacts.held.get('/a')).toBe(1);
    artifacts.routers.set('/b', routerB);
    expect(service.router()).toBe(routerB);
    expect(artifacts.held.get('/a')).toBe(0);
    apply({});
    expect(service.router()).toBeUndefined();
    expect(artifacts.held.get('/b')).toBe(0);
  });

  it('reports reload outcomes and each learned strategy in traffic', async () => {
    const { service, apply, artifacts } = setup();
    apply({ model_path: '/a' });
    artifacts.routers.set('/a', routerA);
    artifacts.errors.set('/a', 'signature_invalid');
    expect(await service.reload()).toEqual([
      {
        model_path: '/a',
        kind: 'artifact',
        outcome: 'failed',
        version: routerA.version,
        loaded_at: '2025-01-01T00:00:00.000Z',
        error: 'signature_invalid',
      },
    ]);
    const info = service.strategyInfo(['simple-shuffle', 'llmrouter-knn', 'llmrouter-smallest']);
    expect(info).toEqual([
      expect.objectContaining({
        name: 'llmrouter-knn',
        version: routerA.version,
        model_path: '/a',
      }),
      expect.objectContaining({ name: 'llmrouter-smallest', version: '1', model_path: null }),
    ]);
  });

  it('says why llmrouter-custom has no module without LLMROUTER_CUSTOM_ROUTERS_PATH', () => {
    const { service } = setup();
    expect(service.customRouter()).toBeUndefined();
    expect(service.customUnavailableReason()).toBe('LLMROUTER_CUSTOM_ROUTERS_PATH is not set');
  });
});
