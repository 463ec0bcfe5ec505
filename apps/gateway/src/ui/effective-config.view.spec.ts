import { loadGatewayConfig } from '@routeiq/config';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { effectiveConfigView, maskValue, SECRET_MASK } from './effective-config.view';

const YAML = `
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/UPSTREAM_KEY
      api_base: https://user:hunter2@llm.internal/v1
      organization: os.environ/OPENAI_ORG
      extra_headers:
        X-Tenant: acme
      rpm: 100
    model_info:
      id: gpt-4o-1
      input_cost_per_token: 0.0000025
      max_tokens: 4096
router_settings:
  routing_strategy: simple-shuffle
  redis_password: os.environ/REDIS_PW
general_settings:
  master_key: sk-master-literal-0123456789
  database_url: postgres://routeiq:pw@db:5432/routeiq
  alerting_webhook: https://hooks.example/abc
litellm_settings:
  drop_params: true
  callbacks_token: plain-looking
environment_variables:
  OPENAI_ORG: org-from-file
`;

describe(effectiveConfigView.name, () => {
  let dir: string;
  const load = () => {
    const path = join(dir, 'config.yaml');
    writeFileSync(path, YAML);
    return loadGatewayConfig(path, { UPSTREAM_KEY: 'upstream-secret-123', REDIS_PW: 'r3dis' })
      .config;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-effective-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('masks secrets, header values and every environment-resolved value', () => {
    const view = effectiveConfigView(load(), { generation: 3, loadedAt: new Date(0) });
    const [deployment] = view.config.model_list as Array<Record<string, unknown>>;
    expect(deployment!.litellm_params).toMatchObject({
      model: 'openai/gpt-4o',
      api_key: SECRET_MASK,
      api_base: SECRET_MASK,
      organization: SECRET_MASK,
      extra_headers: { 'X-Tenant': SECRET_MASK },
      rpm: 100,
    });
    expect(deployment!.model_info).toMatchObject({
      id: 'gpt-4o-1',
      input_cost_per_token: 0.0000025,
      max_tokens: 4096,
    });
    expect(view.config.router_settings).toMatchObject({
      routing_strategy: 'simple-shuffle',
      redis_password: SECRET_MASK,
    });
    expect(view.config.general_settings).toMatchObject({
      master_key: SECRET_MASK,
      database_url: SECRET_MASK,
      alerting_webhook: 'https://hooks.example/abc',
    });
    expect(view.config.litellm_settings).toMatchObject({
      drop_params: true,
      callbacks_token: SECRET_MASK,
    });
    expect(view).toMatchObject({ generation: 3, loaded_at: '1970-01-01T00:00:00.000Z' });
  });

  it('never lets a resolved value through anywhere in the document', () => {
    const text = JSON.stringify(
      effectiveConfigView(load(), { generation: 1, loadedAt: new Date() }),
    );
    for (const secret of [
      'upstream-secret-123',
      'hunter2',
      'org-from-file',
      'r3dis',
      'sk-master',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('environment');
  });
});

describe(maskValue.name, () => {
  const context = { environmentValues: new Set<string>() };

  it('reads secret names in any case style, but not look-alikes', () => {
    const masked = maskValue(
      {
        awsSecretAccessKey: 'a',
        'x-auth-token': 'b',
        Authorization: 'c',
        max_tokens: 'd',
        tokenizer: 'e',
        author: 'f',
      },
      '',
      context,
    );
    expect(masked).toEqual({
      awsSecretAccessKey: SECRET_MASK,
      'x-auth-token': SECRET_MASK,
      Authorization: SECRET_MASK,
      max_tokens: 'd',
      tokenizer: 'e',
      author: 'f',
    });
  });

  it('masks key-shaped strings wherever they are and keeps numbers and empty strings', () => {
    expect(maskValue(['sk-abcdefghijklmnop', 'plain', 7, ''], 'list', context)).toEqual([
      SECRET_MASK,
      'plain',
      7,
      '',
    ]);
    expect(maskValue({ api_key: null, password: '' }, '', context)).toEqual({
      api_key: null,
      password: '',
    });
  });
});
