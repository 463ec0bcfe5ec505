import { GatewayMetrics } from '@routeiq/observability';
import { Logger } from '@nestjs/common';
import { DEFAULT_CIRCUIT_BREAKER, type RouterSettings } from '@routeiq/config';
import {
  type DeploymentHealthState,
  DeploymentHealthStore,
  InMemoryCoordinationBus,
  InMemoryDeploymentHealthStore,
} from '@routeiq/coordination';
import { ProviderErrorKind, ProviderException, type ResolvedDeployment } from '@routeiq/providers';
import { buildModelGroup } from '../model-group';
import type { ModelRegistryService } from '../model-registry.service';
import { DEPLOYMENT_HEALTH_TOPIC, DeploymentHealthService } from './deployment-health.service';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');

function deployment(id: string, params: Record<string, unknown> = {}): ResolvedDeployment {
  return {
    id,
    modelName: 'g',
    config: { litellmParams: params },
    adapter: { capabilities: new Set(['chat']) },
  } as unknown as ResolvedDeployment;
}

/** The router_settings fields health reads (LiteLLM's defaults and the seed's breaker). */
function routerSettings(overrides: Partial<RouterSettings> = {}): RouterSettings {
  const defaults = { allowed_fails: 3, cooldown_time: 5, disable_cooldowns: false };
  return { ...defaults, circuit_breaker: DEFAULT_CIRCUIT_BREAKER, ...overrides } as RouterSettings;
}

function upstream(status: number, headers?: Record<string, string>): ProviderException {
  return new ProviderException({ status, code: 'upstream_error', message: 'boom', headers });
}

/** Lets fire-and-forget store calls finish and bus messages (setImmediate) arrive. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe(DeploymentHealthService.name, () => {
  const d1 = deployment('d1');
  const d2 = deployment('d2');
  let store: InMemoryDeploymentHealthStore;
  let bus: InMemoryCoordinationBus;
  let settings: RouterSettings;
  let logged: jest.SpyInstance;
  const started: DeploymentHealthService[] = [];

  /** One replica: its own service (local view) over the shared store and bus. */
  function replica(): DeploymentHealthService {
    const registry = {
      get settings() {
        return settings;
      },
      groups: () => [buildModelGroup('g', [d1, d2], 0)],
      find: () => buildModelGroup('g', [d1, d2], 0),
    } as unknown as ModelRegistryService;
    const service = new DeploymentHealthService(store, bus, registry, new GatewayMetrics());
    service.onModuleInit();
    started.push(service);
    return service;
  }

  function fail(
    service: DeploymentHealthService,
    times: number,
    at: number,
    error = upstream(503),
  ) {
    for (let i = 0; i < times; i += 1) service.recordFailure(d1, error, at);
  }

  beforeEach(() => {
    store = new InMemoryDeploymentHealthStore();
    bus = new InMemoryCoordinationBus();
    settings = routerSettings();
    logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    for (const service of started) service.onModuleDestroy();
    started.length = 0;
    jest.restoreAllMocks();
  });

  it('cools a deployment on every replica once one replica sees more than allowed_fails', async () => {
    const [a, b] = [replica(), replica()];
    fail(a, 2, T0);
    a.recordFailure(d1, ProviderException.timeout('d1', 1000), T0);
    await settle();
    expect([a.availability(d1, T0), b.availability(d1, T0)]).toEqual(['eligible', 'eligible']);

    a.recordFailure(d1, ProviderException.connection('d1', new Error('reset')), T0);
    await settle();
    expect([a.availability(d1, T0), b.availability(d1, T0)]).toEqual(['cooldown', 'cooldown']);
    expect(b.availability(d2, T0)).toBe('eligible');
    expect(b.retryAfterSeconds([d1], T0 + 1)).toBe(5);
    expect(b.snapshot(T0)).toEqual([
      {
        deployment: 'd1',
        model_group: 'g',
        circuit: 'closed',
        cooldown_until: '2030-01-01T00:00:05.000Z',
      },
      { deployment: 'd2', model_group: 'g', circuit: 'closed', cooldown_until: null },
    ]);
    expect(b.availability(d1, T0 + 5000)).toBe('eligible');
    expect(b.snapshot(T0 + 5000)[0]!.cooldown_until).toBeNull();
    expect(b.openBreakers(T0)).toEqual([]);
  });

  it('opens the breaker after 5 failures in 60 s, half-opens after 30 s, closes after 2 successes', async () => {
    const [a, b] = [replica(), replica()];
    const seenByB: Array<[string, DeploymentHealthState]> = [];
    b.onChange((id, state) => seenByB.push([id, state]));
    for (let i = 0; i < 4; i += 1) fail(i % 2 === 0 ? a : b, 1, T0 + i * 1000);
    await settle();
    expect(b.availability(d1, T0 + 4000)).toBe('cooldown');
    expect(a.openBreakers(T0 + 4000)).toEqual([]);

    fail(b, 1, T0 + 4000);
    await settle();
    const opened = T0 + 4000;
    expect([a.availability(d1, opened), b.availability(d1, opened)]).toEqual([
      'breaker_open',
      'breaker_open',
    ]);
    expect(a.openBreakers(opened)).toEqual(['d1']);
    expect(a.availability(d1, opened + 29_999)).toBe('breaker_open');
    expect(a.retryAfterSeconds([d1], opened)).toBe(30);

    const halfOpen = opened + 30_000;
    expect([a.availability(d1, halfOpen), b.availability(d1, halfOpen)]).toEqual([
      'eligible',
      'eligible',
    ]);
    expect(a.openBreakers(halfOpen)).toEqual([]);
    expect(b.snapshot(halfOpen)[0]!.circuit).toBe('half_open');

    a.recordSuccess(d1, halfOpen);
    await settle();
    expect(b.snapshot(halfOpen + 1)[0]!.circuit).toBe('half_open');
    b.recordSuccess(d1, halfOpen + 1);
    await settle();
    expect(a.snapshot(halfOpen + 1)[0]!.circuit).toBe('closed');
    expect(b.snapshot(halfOpen + 1)[0]!.circuit).toBe('closed');
    expect(seenByB.map(([id, state]) => [id, state.circuit])).toContainEqual(['d1', 'open']);
    expect(seenByB.at(-1)).toEqual(['d1', expect.objectContaining({ circuit: 'closed' })]);
    const lines = logged.mock.calls.map(([, line]) => String(line));
    expect(lines).toEqual([
      'cooldown started for deployment d1 (model group g): 5000 ms',
      'circuit breaker opened for deployment d1 (model group g); half-open in 30 s',
      'circuit breaker half-open for deployment d1 (model group g): trial requests allowed',
      'circuit breaker closed for deployment d1 (model group g)',
    ]);
  });

  it('re-opens a half-open breaker on one failure', async () => {
    const [a, b] = [replica(), replica()];
    fail(a, 5, T0);
    await settle();
    a.recordFailure(d1, upstream(500), T0 + 30_000);
    await settle();
    expect(b.availability(d1, T0 + 30_000)).toBe('breaker_open');
    expect(b.availability(d1, T0 + 59_999)).toBe('breaker_open');
    expect(b.availability(d1, T0 + 60_000)).toBe('eligible');
  });

  it('talks to the store about successes only while the breaker is half-open', async () => {
    const a = replica();
    const record = jest.spyOn(store, 'record');
    a.recordSuccess(d1, T0);
    a.recordFailure(d2, upstream(401), T0);
    fail(a, 5, T0);
    await settle();
    expect(a.availability(d2, T0)).toBe('cooldown');
    a.recordSuccess(d2, T0); // closed, cooling down
    a.recordSuccess(d1, T0 + 29_999); // open, not yet half-open
    await settle();
    expect(record).toHaveBeenCalledTimes(6);
    expect(record.mock.calls.every(([, event]) => event.type === 'failure')).toBe(true);

    a.recordSuccess(d1, T0 + 30_000);
    await settle();
    expect(record).toHaveBeenCalledTimes(7);
    expect(record.mock.calls[6]![1]).toEqual({ type: 'success' });
  });

  it('cools at once on a 429 for as long as retry-after asks, and on 401 and 404', async () => {
    const [a, b] = [replica(), replica()];
    a.recordFailure(d1, upstream(429, { 'retry-after': '20' }), T0);
    a.recordFailure(d2, upstream(401), T0);
    await settle();
    expect(b.availability(d1, T0 + 19_999)).toBe('cooldown');
    expect(b.availability(d1, T0 + 20_000)).toBe('eligible');
    expect(b.retryAfterSeconds([d1], T0)).toBe(20);
    expect(b.availability(d2, T0 + 4_999)).toBe('cooldown');
    expect(b.availability(d2, T0 + 5_000)).toBe('eligible');

    a.recordFailure(d2, upstream(404), T0 + 10_000);
    a.recordFailure(d1, upstream(429, { 'retry-after': 'soon' }), T0 + 30_000);
    await settle();
    expect(b.availability(d2, T0 + 10_000)).toBe('cooldown');
    expect(b.retryAfterSeconds([d1], T0 + 30_000)).toBe(5);
  });

  it('ignores failures that are not the deployment fault', async () => {
    const [a, b] = [replica(), replica()];
    const record = jest.spyOn(store, 'record');
    const notItsFault: unknown[] = [
      upstream(400),
      new ProviderException(
        { status: 400, code: 'context_length_exceeded', message: 'too long' },
        ProviderErrorKind.ContextWindowExceeded,
      ),
      new ProviderException(
        { status: 400, code: 'content_filter', message: 'no' },
        ProviderErrorKind.ContentPolicy,
      ),
      ProviderException.clientClosed(),
      new ProviderException({ status: 499, code: 'x', message: 'gone' }, ProviderErrorKind.Timeout),
      new Error('bug of ours'),
      'not even an error',
    ];
    for (const error of notItsFault) fail(a, 10, T0, error as ProviderException);
    await settle();
    expect(record).not.toHaveBeenCalled();
    expect(b.availability(d1, T0)).toBe('eligible');
    expect(a.availability(d1, T0)).toBe('eligible');
  });

  it('never cools down with disable_cooldowns, but still opens the breaker', async () => {
    settings = routerSettings({ disable_cooldowns: true });
    const [a, b] = [replica(), replica()];
    a.recordFailure(d1, upstream(429, { 'retry-after': '20' }), T0);
    fail(a, 3, T0);
    await settle();
    expect(b.availability(d1, T0)).toBe('eligible');
    fail(a, 1, T0);
    await settle();
    expect(b.availability(d1, T0)).toBe('breaker_open');
    expect(b.availability(d1, T0 + 30_000)).toBe('eligible');
  });

  it('takes cooldown_time and allowed_fails from the deployment before router_settings', async () => {
    const [a, b] = [replica(), replica()];
    const strict = deployment('strict', { cooldown_time: 60, allowed_fails: 0 });
    a.recordFailure(strict, upstream(503), T0);
    a.recordFailure(d1, upstream(503), T0);
    await settle();
    expect(b.availability(strict, T0 + 59_999)).toBe('cooldown');
    expect(b.availability(strict, T0 + 60_000)).toBe('eligible');
    expect(b.availability(d1, T0)).toBe('eligible');
  });

  it('answers retryAfterSeconds from the earliest deployment to come back', async () => {
    const a = replica();
    a.recordFailure(d1, upstream(429, { 'retry-after': '20' }), T0);
    for (let i = 0; i < 5; i += 1) a.recordFailure(d2, upstream(503), T0);
    await settle();
    expect(a.availability(d2, T0)).toBe('breaker_open');
    expect(a.retryAfterSeconds([d1, d2], T0)).toBe(20);
    expect(a.retryAfterSeconds([d2], T0)).toBe(30);
    expect(a.retryAfterSeconds([d2], T0 + 29_500)).toBe(1);
    expect(a.retryAfterSeconds([d1, d2, deployment('fresh')], T0)).toBe(1);
    expect(a.retryAfterSeconds([], T0)).toBe(1);
  });

  it('resets a deployment on every replica', async () => {
    const [a, b] = [replica(), replica()];
    fail(a, 5, T0);
    a.recordFailure(d2, upstream(401), T0);
    await settle();
    await b.reset('d1');
    await settle();
    expect([a.availability(d1, T0), b.availability(d1, T0)]).toEqual(['eligible', 'eligible']);
    expect(a.availability(d2, T0)).toBe('cooldown');
    expect([...(await store.readAll()).keys()]).toEqual(['d2']);
    await a.reset();
    await settle();
    expect(b.availability(d2, T0)).toBe('eligible');
    expect((await store.readAll()).size).toBe(0);
  });

  it('catches up from the store at start and ignores stale or malformed messages', async () => {
    const a = replica();
    fail(a, 5, T0);
    await settle();
    const late = replica();
    await settle();
    expect(late.availability(d1, T0)).toBe('breaker_open');

    const older: DeploymentHealthState = {
      circuit: 'closed',
      circuitSince: T0 - 1000,
      probeSuccesses: 0,
      cooldownUntil: 0,
    };
    await bus.publish(DEPLOYMENT_HEALTH_TOPIC, { deploymentId: 'd1', state: { ...older } });
    await bus.publish(DEPLOYMENT_HEALTH_TOPIC, { deploymentId: 'd1', state: { circuit: 'shut' } });
    await bus.publish(DEPLOYMENT_HEALTH_TOPIC, { state: { ...older } });
    await settle();
    expect([a.availability(d1, T0), late.availability(d1, T0)]).toEqual([
      'breaker_open',
      'breaker_open',
    ]);
  });

  it('never throws when the store is down, and logs the outage once', async () => {
    class DownStore extends DeploymentHealthStore {
      record = jest.fn(() => Promise.reject(new Error('Redis unavailable: not connected')));
      readAll = jest.fn(() => Promise.reject(new Error('Redis unavailable: not connected')));
      reset = jest.fn(() => Promise.reject(new Error('Redis unavailable: not connected')));
    }
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const down = new DownStore();
    store = down as unknown as InMemoryDeploymentHealthStore;
    const a = replica();
    expect(() => fail(a, 10, T0)).not.toThrow();
    await settle();
    expect(down.record).toHaveBeenCalledTimes(10);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain('Redis unavailable');
    expect(a.availability(d1, T0)).toBe('eligible');
    await expect(a.reset('d1')).rejects.toThrow('Redis unavailable');
  });
});
