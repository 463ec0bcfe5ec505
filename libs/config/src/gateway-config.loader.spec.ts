import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError } from './config-validation.error';
import { loadGatewayConfig } from './gateway-config.loader';
import type { ConfigProblem } from './gateway-config.types';

const EXAMPLE = `
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/OPENAI_API_KEY
      timeout: os.environ/GPT_TIMEOUT
      rpm: 600
      temperature: 0.2
    model_info:
      id: gpt4o-primary
      mode: chat
      input_cost_per_token: 0.0000025
  - model_name: gpt-4o
    litellm_params:
      model: azure/gpt-4o-eu
      api_base: https://eu.example.openai.azure.com
      api_key: os.environ/AZURE_API_KEY
      api_version: "2024-06-01"
      weight: 2
router_settings:
  routing_strategy: simple-shuffle
  model_group_alias:
    gpt-4: gpt-4o
    gpt-4-turbo: { model: gpt-4o, hidden: true }
  num_retries: 2
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
litellm_settings:
  drop_params: true
environment_variables:
  AZURE_API_KEY: from-config
  GPT_TIMEOUT: 45
`;

describe('loadGatewayConfig', () => {
  let dir: string;
  let counter = 0;
  const env = {
    OPENAI_API_KEY: 'sk-openai',
    AZURE_API_KEY: 'from-env',
    LITELLM_MASTER_KEY: 'sk-master',
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(yaml: string): string {
    const file = join(dir, `config-${++counter}.yaml`);
    writeFileSync(file, yaml);
    return file;
  }

  function problemsOf(yaml: string, environment: Record<string, string> = env): ConfigProblem[] {
    try {
      loadGatewayConfig(write(yaml), environment);
    } catch (error) {
      if (error instanceof ConfigValidationError) return [...error.problems];
      throw error;
    }
    throw new Error('expected the config to be rejected');
  }

  const model = (params: string, extra = ''): string =>
    `model_list:\n  - model_name: m\n    litellm_params:\n${params}\n${extra}`;

  it('loads the LiteLLM example: one group of two deployments, env refs, config env wins', () => {
    const { config, warnings } = loadGatewayConfig(write(EXAMPLE), env);

    expect(warnings).toEqual([]);
    expect(config.modelList).toHaveLength(2);
    const [openai, azure] = config.modelList;
    expect(openai).toEqual({
      modelName: 'gpt-4o',
      provider: 'openai',
      upstreamModel: 'gpt-4o',
      litellmParams: {
        model: 'openai/gpt-4o',
        api_key: 'sk-openai',
        timeout: 45,
        rpm: 600,
        extra: { temperature: 0.2 },
      },
      modelInfo: { id: 'gpt4o-primary', mode: 'chat', input_cost_per_token: 0.0000025, extra: {} },
    });
    expect(azure?.provider).toBe('azure');
    expect(azure?.upstreamModel).toBe('gpt-4o-eu');
    expect(azure?.litellmParams.api_key).toBe('from-config');
    expect(azure?.litellmParams.weight).toBe(2);
    expect(azure?.modelInfo.id).toMatch(/^[0-9a-f]{16}$/);
    expect(config.routerSettings).toMatchObject({
      routing_strategy: 'simple-shuffle',
      model_group_alias: { 'gpt-4': 'gpt-4o', 'gpt-4-turbo': 'gpt-4o' },
      num_retries: 2,
      // LiteLLM's and the seed's defaults.
      retry_after: 0,
      allowed_fails: 3,
      cooldown_time: 5,
      disable_cooldowns: false,
      fallbacks: {},
      default_fallbacks: [],
      max_fallbacks: 5,
      circuit_breaker: {
        failure_threshold: 5,
        window_seconds: 60,
        recovery_timeout_seconds: 30,
        success_threshold: 2,
      },
      extra: {},
    });
    expect(config.generalSettings).toEqual({
      master_key: 'sk-master',
      max_request_size_mb: 10,
      extra: {},
    });
    expect(config.litellmSettings).toEqual({ drop_params: true });
    expect(config.environment.AZURE_API_KEY).toBe('from-config');
    expect(config.environment.GPT_TIMEOUT).toBe('45');
    expect(config.sourcePath).toBe(join(dir, `config-${counter}.yaml`));
  });

  it('deep-freezes the snapshot', () => {
    const { config } = loadGatewayConfig(write(EXAMPLE), env);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.modelList[0]?.litellmParams.extra)).toBe(true);
    expect(Object.isFrozen(config.environment)).toBe(true);
  });

  it('treats a missing or empty model_list as no deployments and defaults every section', () => {
    const { config } = loadGatewayConfig(write('general_settings: {}\n'), {});
    expect(config.modelList).toEqual([]);
    expect(config.routerSettings.routing_strategy).toBe('simple-shuffle');
    expect(config.generalSettings.max_request_size_mb).toBe(10);
  });

  it('reports an unset environment variable at its path', () => {
    expect(
      problemsOf(model('      model: gpt-4o\n      api_key: os.environ/OPENAI_API_KEY'), {}),
    ).toEqual([
      {
        path: 'model_list[0].litellm_params.api_key',
        message: 'environment variable "OPENAI_API_KEY" is not set',
      },
    ]);
  });

  it('rejects an unsupported routing strategy, naming the supported ones', () => {
    expect(problemsOf('router_settings:\n  routing_strategy: fastest-please\n')).toEqual([
      {
        path: 'router_settings.routing_strategy',
        message:
          'unsupported routing strategy "fastest-please" (supported: simple-shuffle, least-busy, ' +
          'latency-based-routing, cost-based-routing, usage-based-routing, llmrouter-knn, ' +
          'llmrouter-mlp, llmrouter-svm, llmrouter-mf, llmrouter-elo, llmrouter-hybrid, ' +
          'llmrouter-cost-aware, llmrouter-threshold, llmrouter-smallest, llmrouter-largest, ' +
          'llmrouter-custom)',
      },
    ]);
  });

  it('reports wrong types with the offending value', () => {
    const params = [
      '      model: gpt-4o',
      '      timeout: abc',
      '      rpm: -1',
      '      weight: heavy',
      '      max_retries: 1.5',
      '      api_key: 123',
    ].join('\n');
    const info = '    model_info:\n      max_tokens: 0\n      mode: chat-ish\n';
    expect(problemsOf(model(params, info))).toEqual([
      { path: 'model_list[0].litellm_params.api_key', message: 'must be a string (got a number)' },
      {
        path: 'model_list[0].litellm_params.timeout',
        message: 'must be a positive number (got "abc")',
      },
      { path: 'model_list[0].litellm_params.rpm', message: 'must be an integer >= 0 (got -1)' },
      {
        path: 'model_list[0].litellm_params.weight',
        message: 'must be a number >= 0 (got "heavy")',
      },
      {
        path: 'model_list[0].litellm_params.max_retries',
        message: 'must be an integer >= 0 (got 1.5)',
      },
      {
        path: 'model_list[0].model_info.max_tokens',
        message: 'must be a positive integer (got 0)',
      },
      {
        path: 'model_list[0].model_info.mode',
        message: 'must be one of chat, completion, embedding (got "chat-ish")',
      },
    ]);
  });

  it('requires model_name, litellm_params and litellm_params.model', () => {
    const yaml = [
      'model_list:',
      '  - litellm_params: { model: gpt-4o }',
      '  - model_name: b',
      '  - model_name: c',
      '    litellm_params: { api_key: x }',
      '  - just-a-string',
    ].join('\n');
    expect(problemsOf(yaml)).toEqual([
      { path: 'model_list[0].model_name', message: 'must be a non-empty string (got nothing)' },
      { path: 'model_list[1].litellm_params', message: 'must be a mapping (got nothing)' },
      {
        path: 'model_list[2].litellm_params.model',
        message: 'must be a non-empty string (got nothing)',
      },
      { path: 'model_list[3]', message: 'must be a mapping with model_name and litellm_params' },
    ]);
  });

  it('rejects an api_base that is not an http(s) URL without echoing it', () => {
    const problems = problemsOf(
      model('      model: gpt-4o\n      api_base: ftp://files.example.com'),
    );
    expect(problems).toEqual([
      {
        path: 'model_list[0].litellm_params.api_base',
        message: 'must be an http(s) URL such as https://api.example.com/v1 (got a string)',
      },
    ]);
  });

  it('rejects duplicate explicit ids at the second deployment', () => {
    const yaml = [
      'model_list:',
      '  - model_name: a',
      '    litellm_params: { model: gpt-4o }',
      '    model_info: { id: dup }',
      '  - model_name: b',
      '    litellm_params: { model: gpt-4o-mini }',
      '    model_info: { id: dup }',
    ].join('\n');
    expect(problemsOf(yaml)).toEqual([
      {
        path: 'model_list[1].model_info.id',
        message: 'duplicate deployment id "dup" (already used by model_list[0])',
      },
    ]);
  });

  it('reports a YAML syntax error with its line and column', () => {
    const problems = problemsOf(
      'model_list:\n  - model_name: a\n    litellm_params: [\nrouter_settings: {}\n',
    );
    expect(problems[0]?.path).toMatch(/^\(yaml line \d+ col \d+\)$/);
    expect(problems[0]?.message).not.toContain('\n');
  });

  it('reports an unreadable file and a non-mapping document', () => {
    expect(() => loadGatewayConfig(join(dir, 'missing.yaml'), {})).toThrow(
      /\(file\): cannot read the config file \(ENOENT\)/,
    );
    expect(problemsOf('- a\n- b\n')).toEqual([
      {
        path: '(root)',
        message: 'must be a mapping of config sections such as model_list (got a list)',
      },
    ]);
  });

  it('rejects an alias to an unknown model group', () => {
    const yaml = `${model('      model: gpt-4o')}router_settings:\n  model_group_alias:\n    gpt-4: gpt-5\n`;
    expect(problemsOf(yaml)).toEqual([
      {
        path: 'router_settings.model_group_alias.gpt-4',
        message: 'target model group "gpt-5" is not a model_name in model_list',
      },
    ]);
  });

  it('reports every problem of a file in one error', () => {
    const yaml = [
      'model_list:',
      '  - model_name: a',
      '    litellm_params: { model: gpt-4o, timeout: 0, api_key: os.environ/NOPE }',
      '  - model_name: b',
      '    litellm_params: {}',
      'router_settings: { routing_strategy: most-busy, num_retries: many }',
      'general_settings: { max_request_size_mb: -5 }',
    ].join('\n');
    let error: unknown;
    try {
      loadGatewayConfig(write(yaml), {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems.map((p) => p.path)).toEqual([
      'model_list[0].litellm_params.api_key',
      'model_list[0].litellm_params.timeout',
      'model_list[1].litellm_params.model',
      'router_settings.routing_strategy',
      'router_settings.num_retries',
      'general_settings.max_request_size_mb',
    ]);
    expect((error as Error).message).toContain(
      '  - model_list[0].litellm_params.timeout: must be a positive number (got 0)',
    );
  });

  it('warns, never fails, on unknown and not-yet-supported keys', () => {
    const yaml = [
      'model_list: []',
      'foo: 1',
      'guardrails: []',
      'router_settings: { redis_host: localhost, cooldown_time: 30 }',
      'general_settings: { store_model_in_db: true }',
      'litellm_settings: { drop_params: true, callbacks: [langfuse] }',
    ].join('\n');
    const { config, warnings } = loadGatewayConfig(write(yaml), {});
    expect(warnings).toEqual([
      'config: unknown key "foo" ignored',
      'config: "guardrails" is not supported yet, ignored',
      'router_settings.redis_host: not supported yet, ignored',
      'general_settings.store_model_in_db: not supported yet, ignored',
      'litellm_settings.callbacks: not supported yet, ignored',
    ]);
    expect(config.routerSettings.extra).toEqual({ redis_host: 'localhost' });
    expect(config.routerSettings.cooldown_time).toBe(30);
  });

  it('converts numeric strings, including resolved env values', () => {
    const params = '      model: gpt-4o\n      timeout: "30"\n      tpm: os.environ/TPM';
    const { config } = loadGatewayConfig(write(model(params)), { TPM: '100000' });
    expect(config.modelList[0]?.litellmParams.timeout).toBe(30);
    expect(config.modelList[0]?.litellmParams.tpm).toBe(100000);
  });
});
