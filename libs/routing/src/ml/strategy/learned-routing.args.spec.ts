import {
  artifactSettingsOf,
  DEFAULT_ROUTER_ALIAS,
  learnedArgsProblems,
  routerAliasOf,
  routerAliasProblems,
} from './learned-routing.args';
import { modelInfoProblems } from './deployment-facts';
import type { DeploymentConfig } from '@routeiq/config';

const ARGS = 'router_settings.routing_strategy_args';

describe(learnedArgsProblems.name, () => {
  it('accepts well-typed learned-routing args (numeric strings too) and ignores other keys', () => {
    expect(
      learnedArgsProblems({
        model_path: './router',
        hot_reload: true,
        reload_interval: '30',
        timeout_ms: 2.5,
        candidates: ['a', 'b'],
        router_alias: 'auto',
        cost_weight: 0.3,
        quality_threshold: 0.5,
        max_cost_per_1k_tokens: 0.01,
        quality_gap: 0.1,
        threshold: -0.2,
        lowest_latency_buffer: 'anything',
      }),
    ).toEqual([]);
  });

  it('names every bad value with its path', () => {
    const problems = learnedArgsProblems({
      model_path: '',
      hot_reload: 'yes',
      reload_interval: 0,
      timeout_ms: -1,
      candidates: ['a', 'a'],
      cost_weight: -0.1,
      quality_threshold: 2,
      threshold: 'high',
    });
    expect(problems.map((p) => p.path)).toEqual([
      `${ARGS}.model_path`,
      `${ARGS}.hot_reload`,
      `${ARGS}.reload_interval`,
      `${ARGS}.timeout_ms`,
      `${ARGS}.candidates`,
      `${ARGS}.cost_weight`,
      `${ARGS}.quality_threshold`,
      `${ARGS}.threshold`,
    ]);
    expect(learnedArgsProblems({ candidates: [] })[0]!.message).toMatch(/non-empty list/);
  });

  it('checks the remote featurizer keys: embedding_timeout_ms and embedding_cache_size', () => {
    expect(learnedArgsProblems({ embedding_timeout_ms: '150', embedding_cache_size: 0 })).toEqual(
      [],
    );
    expect(learnedArgsProblems({ embedding_cache_size: 1_000_000 })).toEqual([]);
    const problems = learnedArgsProblems({
      embedding_timeout_ms: 0,
      embedding_cache_size: 2.5,
    });
    expect(problems).toEqual([
      {
        path: `${ARGS}.embedding_timeout_ms`,
        message: 'must be a number of milliseconds from 1 to 60000',
      },
      { path: `${ARGS}.embedding_cache_size`, message: 'must be an integer from 0 to 1000000' },
    ]);
    expect(learnedArgsProblems({ embedding_timeout_ms: 60_001 })).toHaveLength(1);
    expect(learnedArgsProblems({ embedding_cache_size: -1 })).toHaveLength(1);
  });
});

describe(artifactSettingsOf.name, () => {
  it('resolves a relative model_path from the config file directory', () => {
    expect(artifactSettingsOf({ model_path: 'models/r' }, '/etc/routeiq/config.yaml')).toEqual({
      modelPath: '/etc/routeiq/models/r',
      hotReload: false,
    });
    expect(
      artifactSettingsOf(
        { model_path: '/srv/r/manifest.json', hot_reload: true, reload_interval: 5 },
        '/etc/c.yaml',
      ),
    ).toEqual({ modelPath: '/srv/r/manifest.json', hotReload: true, reloadIntervalSeconds: 5 });
    expect(artifactSettingsOf({}, '/etc/c.yaml')).toBeUndefined();
  });
});

describe(routerAliasOf.name, () => {
  it('is `router-auto` over the candidates unless router_alias names it', () => {
    expect(routerAliasOf({ candidates: ['a', 'b'] })).toEqual({
      alias: DEFAULT_ROUTER_ALIAS,
      candidates: ['a', 'b'],
    });
    expect(routerAliasOf({ candidates: ['a'], router_alias: 'smart' })?.alias).toBe('smart');
    expect(routerAliasOf({ router_alias: 'smart' })).toBeUndefined();
  });

  it('refuses unknown candidate groups and a name already taken', () => {
    const alias = { alias: 'g1', candidates: ['g2', 'nope'] };
    const problems = routerAliasProblems(alias, new Set(['g1', 'g2']), new Set());
    expect(problems).toEqual([
      { path: `${ARGS}.router_alias`, message: expect.stringContaining('already a model group') },
      { path: `${ARGS}.candidates[1]`, message: 'model group "nope" is not in model_list' },
    ]);
    const taken = routerAliasProblems(
      { alias: 'gpt4', candidates: ['g2'] },
      new Set(['g2']),
      new Set(['gpt4']),
    );
    expect(taken).toHaveLength(1);
  });
});

describe(modelInfoProblems.name, () => {
  const deployment = (extra: Record<string, unknown>) =>
    ({ modelInfo: { id: 'x', extra } }) as unknown as DeploymentConfig;

  it('checks router_candidate and parameters_b', () => {
    expect(
      modelInfoProblems([deployment({ router_candidate: 'gpt-4o', parameters_b: 70 })]),
    ).toEqual([]);
    expect(
      modelInfoProblems([deployment({}), deployment({ router_candidate: 3, parameters_b: -1 })]),
    ).toEqual([
      { path: 'model_list[1].model_info.router_candidate', message: expect.any(String) },
      { path: 'model_list[1].model_info.parameters_b', message: expect.any(String) },
    ]);
  });
});
