import { generatedId, parseModelList, splitModel } from './model-list.parser';
import type { ConfigProblem, LitellmParams } from './gateway-config.types';

describe(parseModelList.name, () => {
  const params = (overrides: Partial<LitellmParams> = {}): LitellmParams => ({
    model: 'openai/gpt-4o',
    api_key: 'sk-one',
    api_base: 'https://a.example.com',
    extra: {},
    ...overrides,
  });

  it('splits the provider prefix, defaulting to openai', () => {
    expect(splitModel('Anthropic/claude-sonnet-4/v1')).toEqual({
      provider: 'anthropic',
      upstreamModel: 'claude-sonnet-4/v1',
    });
    expect(splitModel('gpt-4o')).toEqual({ provider: 'openai', upstreamModel: 'gpt-4o' });
  });

  it('generates a stable 16-hex id that ignores secrets but not other params', () => {
    const id = generatedId({ modelName: 'm', litellmParams: params() });
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(generatedId({ modelName: 'm', litellmParams: params() })).toBe(id);
    expect(generatedId({ modelName: 'm', litellmParams: params({ api_key: 'sk-two' }) })).toBe(id);
    const withSecretExtra = params({
      extra: { aws_secret_access_key: 's', vertex_credentials: 'c' },
    });
    expect(generatedId({ modelName: 'm', litellmParams: withSecretExtra })).toBe(id);
    expect(
      generatedId({ modelName: 'm', litellmParams: params({ api_base: 'https://b.example.com' }) }),
    ).not.toBe(id);
    expect(generatedId({ modelName: 'other', litellmParams: params() })).not.toBe(id);
  });

  it('keeps deployments that differ only by key distinct, in a stable order', () => {
    const problems: ConfigProblem[] = [];
    const entry = (key: string): unknown => ({
      model_name: 'm',
      litellm_params: { model: 'gpt-4o', api_key: key },
    });
    const first = parseModelList([entry('k1'), entry('k2')], problems, []);
    const again = parseModelList([entry('k3'), entry('k4')], problems, []);
    expect(problems).toEqual([]);
    const ids = first.map((d) => d.modelInfo.id);
    expect(new Set(ids).size).toBe(2);
    expect(again.map((d) => d.modelInfo.id)).toEqual(ids);
  });

  it('warns about unknown keys on an entry and reports an empty model after the prefix', () => {
    const problems: ConfigProblem[] = [];
    const warnings: string[] = [];
    parseModelList(
      [{ model_name: 'm', litellm_params: { model: 'openai/' }, tags: ['x'] }],
      problems,
      warnings,
    );
    expect(warnings).toEqual(['model_list[0]: unknown key "tags" ignored']);
    expect(problems).toEqual([
      {
        path: 'model_list[0].litellm_params.model',
        message: 'must name a model after the provider prefix (got "openai/")',
      },
    ]);
  });
});
