import { ConfigValidationError } from '@routeiq/config';
import {
  bootWeights,
  RoutingConfig,
  routingConfigFromEnv,
  unknownBootStrategies,
} from './routing.config';

function problemsOf(env: Record<string, string>): Array<{ path: string; message: string }> {
  try {
    routingConfigFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return [...(error as ConfigValidationError).problems];
  }
  throw new Error('expected the environment to be refused');
}

const EXPERIMENT = {
  id: 'exp-1',
  bucket_by: 'user',
  variants: {
    control: { strategy: 'simple-shuffle', weight: 90 },
    fast: { strategy: 'least-busy', weight: 10 },
  },
};

describe(routingConfigFromEnv.name, () => {
  it('is empty without either variable, and with blank ones', () => {
    expect(routingConfigFromEnv({})).toEqual(new RoutingConfig());
    expect(routingConfigFromEnv({ LLMROUTER_STRATEGY_WEIGHTS: '  ' })).toEqual(new RoutingConfig());
  });

  it('reads LLMROUTER_STRATEGY_WEIGHTS', () => {
    const config = routingConfigFromEnv({
      LLMROUTER_STRATEGY_WEIGHTS: '{"simple-shuffle": 90, "least-busy": 10}',
    });
    expect(config.strategyWeights).toEqual({ 'simple-shuffle': 90, 'least-busy': 10 });
    expect(config.experiment).toBeUndefined();
    expect(bootWeights(config)).toEqual({ 'simple-shuffle': 90, 'least-busy': 10 });
  });

  it('reads LLMROUTER_EXPERIMENT_CONFIG, whose variants give the weights', () => {
    const config = routingConfigFromEnv({
      LLMROUTER_EXPERIMENT_CONFIG: JSON.stringify(EXPERIMENT),
    });
    expect(config.experiment).toEqual({
      id: 'exp-1',
      bucketBy: 'user',
      variants: EXPERIMENT.variants,
    });
    expect(bootWeights(config)).toEqual({ 'simple-shuffle': 90, 'least-busy': 10 });
    const { bucket_by: _omitted, ...unbucketed } = EXPERIMENT;
    const plain = routingConfigFromEnv({ LLMROUTER_EXPERIMENT_CONFIG: JSON.stringify(unbucketed) });
    expect(plain.experiment).not.toHaveProperty('bucketBy');
  });

  it('names the variable whose JSON does not parse, and reports both variables at once', () => {
    expect(
      problemsOf({ LLMROUTER_STRATEGY_WEIGHTS: '{simple: 1', LLMROUTER_EXPERIMENT_CONFIG: '[' }),
    ).toEqual([
      { path: 'LLMROUTER_STRATEGY_WEIGHTS', message: 'is not valid JSON' },
      { path: 'LLMROUTER_EXPERIMENT_CONFIG', message: 'is not valid JSON' },
    ]);
    expect(() => routingConfigFromEnv({ LLMROUTER_STRATEGY_WEIGHTS: '{x' })).toThrow(
      /Invalid configuration in environment:\n {2}- LLMROUTER_STRATEGY_WEIGHTS: is not valid JSON/,
    );
  });

  it.each([
    ['[1, 2]', 'must be a JSON object of strategy name to weight'],
    ['{}', 'must name at least one strategy'],
    ['{"simple-shuffle": -1}', 'the weight of "simple-shuffle" must be a number from 0 to 1000000'],
    [
      '{"simple-shuffle": "90"}',
      'the weight of "simple-shuffle" must be a number from 0 to 1000000',
    ],
    ['{"simple-shuffle": 0, "least-busy": 0}', 'at least one weight must be above 0'],
  ])('refuses LLMROUTER_STRATEGY_WEIGHTS=%s', (text, message) => {
    expect(problemsOf({ LLMROUTER_STRATEGY_WEIGHTS: text })).toEqual([
      { path: 'LLMROUTER_STRATEGY_WEIGHTS', message },
    ]);
  });

  it('names the bad part of LLMROUTER_EXPERIMENT_CONFIG', () => {
    const bad = (patch: Record<string, unknown>) =>
      problemsOf({ LLMROUTER_EXPERIMENT_CONFIG: JSON.stringify({ ...EXPERIMENT, ...patch }) });
    expect(bad({ id: 'has space' })).toEqual([
      {
        path: 'LLMROUTER_EXPERIMENT_CONFIG.id',
        message: 'must be 1 to 64 letters, digits or . _ : -',
      },
    ]);
    expect(bad({ bucket_by: 'team' })).toEqual([
      {
        path: 'LLMROUTER_EXPERIMENT_CONFIG.bucket_by',
        message: 'must be one of: tenant, user, request',
      },
    ]);
    const twice = {
      a: { strategy: 'least-busy', weight: 1 },
      b: { strategy: 'least-busy', weight: 2 },
    };
    expect(bad({ variants: twice })).toEqual([
      {
        path: 'LLMROUTER_EXPERIMENT_CONFIG.variants',
        message: 'strategy "least-busy" is in two variants',
      },
    ]);
    expect(bad({ variants: { a: { strategy: 'least-busy' } } })[0]?.message).toBe(
      'variant "a" needs a "weight" ≥ 0',
    );
    expect(problemsOf({ LLMROUTER_EXPERIMENT_CONFIG: '"exp"' })[0]).toEqual({
      path: 'LLMROUTER_EXPERIMENT_CONFIG',
      message: 'must be a JSON object with "id" and "variants"',
    });
  });

  it('refuses both variables together', () => {
    expect(
      problemsOf({
        LLMROUTER_STRATEGY_WEIGHTS: '{"simple-shuffle": 1}',
        LLMROUTER_EXPERIMENT_CONFIG: JSON.stringify(EXPERIMENT),
      }),
    ).toEqual([
      {
        path: 'LLMROUTER_EXPERIMENT_CONFIG',
        message: 'set LLMROUTER_STRATEGY_WEIGHTS or LLMROUTER_EXPERIMENT_CONFIG, not both',
      },
    ]);
  });
});

describe(unknownBootStrategies.name, () => {
  const known = new Set(['simple-shuffle', 'least-busy']);

  it('names each unregistered strategy under the variable that carried it', () => {
    const weights = new RoutingConfig({ 'simple-shuffle': 1, 'least-bussy': 1 });
    expect(unknownBootStrategies(weights, known)).toEqual([
      {
        path: 'LLMROUTER_STRATEGY_WEIGHTS',
        message: 'unknown strategy "least-bussy" (registered: least-busy, simple-shuffle)',
      },
    ]);
    const experiment = routingConfigFromEnv({
      LLMROUTER_EXPERIMENT_CONFIG: JSON.stringify({
        id: 'e',
        variants: { x: { strategy: 'ml-router', weight: 1 } },
      }),
    });
    expect(unknownBootStrategies(experiment, known).map((p) => p.path)).toEqual([
      'LLMROUTER_EXPERIMENT_CONFIG',
    ]);
    expect(unknownBootStrategies(new RoutingConfig({ 'least-busy': 1 }), known)).toEqual([]);
  });
});
