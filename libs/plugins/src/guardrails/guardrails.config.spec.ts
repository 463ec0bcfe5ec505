import { ConfigValidationError } from '@routeiq/config';
import { GuardrailsConfig, resolveGuardrailsConfig } from './guardrails.config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    resolveGuardrailsConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError)
      return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
};

const BEDROCK = {
  BEDROCK_GUARDRAIL_ENABLED: 'true',
  BEDROCK_GUARDRAIL_ID: 'gr-123',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
};

describe(GuardrailsConfig.name, () => {
  it('has every guardrail off by default, with the documented defaults', () => {
    const config = resolveGuardrailsConfig({});
    expect(config.pii).toEqual({
      enabled: false,
      action: 'redact',
      entities: ['email', 'phone', 'ssn', 'credit_card', 'ip'],
      applyTo: 'both',
    });
    expect(config.injection).toEqual({ enabled: false, action: 'block', threshold: 0.7 });
    expect(config.contentFilter).toMatchObject({
      enabled: false,
      action: 'block',
      threshold: 0.5,
      applyTo: 'both',
    });
    expect(config.contentFilter.categories).toContain('self_harm');
    expect(config.llamaGuard).toEqual({
      enabled: false,
      model: '',
      applyTo: 'input',
      timeoutMs: 5000,
      maxChunks: 100,
    });
    expect(config.bedrock).toMatchObject({
      enabled: false,
      version: 'DRAFT',
      applyTo: 'both',
      timeoutMs: 5000,
    });
    expect(config.streamHoldMaxBytes).toBe(1_048_576);
  });

  it('reads the variables (any case, trimmed lists)', () => {
    const config = resolveGuardrailsConfig({
      GUARDRAIL_PII_ENABLED: 'yes',
      GUARDRAIL_PII_ACTION: 'Block',
      GUARDRAIL_PII_ENTITIES: ' email , CREDIT_CARD,email',
      GUARDRAIL_PII_APPLY_TO: 'output',
      GUARDRAIL_INJECTION_ENABLED: '1',
      GUARDRAIL_INJECTION_THRESHOLD: '0.9',
      CONTENT_FILTER_CATEGORIES: 'hate,violence',
      LLAMAGUARD_ENABLED: 'true',
      LLAMAGUARD_MODEL: 'llama-guard',
      LLAMAGUARD_TIMEOUT_MS: '1500',
      LLAMAGUARD_MAX_CHUNKS: '12',
      GUARDRAIL_STREAM_HOLD_MAX_BYTES: ' 4096 ',
    });
    expect(config.streamHoldMaxBytes).toBe(4096);
    expect(config.pii).toEqual({
      enabled: true,
      action: 'block',
      entities: ['email', 'credit_card'],
      applyTo: 'output',
    });
    expect(config.injection.threshold).toBe(0.9);
    expect(config.contentFilter.categories).toEqual(['hate', 'violence']);
    expect(config.llamaGuard).toMatchObject({
      enabled: true,
      model: 'llama-guard',
      timeoutMs: 1500,
      maxChunks: 12,
    });
  });

  it('builds the Bedrock endpoint from the region, or takes BEDROCK_GUARDRAIL_ENDPOINT', () => {
    expect(resolveGuardrailsConfig(BEDROCK).bedrock).toEqual({
      enabled: true,
      id: 'gr-123',
      version: 'DRAFT',
      region: 'eu-west-1',
      endpoint: 'https://bedrock-runtime.eu-west-1.amazonaws.com',
      applyTo: 'both',
      timeoutMs: 5000,
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
    });
    const custom = resolveGuardrailsConfig({
      ...BEDROCK,
      BEDROCK_GUARDRAIL_REGION: 'us-east-1',
      BEDROCK_GUARDRAIL_ENDPOINT: 'http://127.0.0.1:9000/',
      BEDROCK_GUARDRAIL_VERSION: '3',
      AWS_SESSION_TOKEN: 'tok',
    }).bedrock;
    expect(custom).toMatchObject({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      version: '3',
    });
    expect(custom.credentials.sessionToken).toBe('tok');
  });

  it.each([
    [{ GUARDRAIL_PII_ENABLED: 'maybe' }, 'GUARDRAIL_PII_ENABLED: must be true or false'],
    [
      { GUARDRAIL_PII_ACTION: 'shred' },
      'GUARDRAIL_PII_ACTION: must be one of redact, block, warn, log',
    ],
    [
      { GUARDRAIL_PII_ENTITIES: 'email,passport' },
      'GUARDRAIL_PII_ENTITIES: each entry must be one of',
    ],
    [
      { GUARDRAIL_PII_APPLY_TO: 'sideways' },
      'GUARDRAIL_PII_APPLY_TO: must be one of input, output, both',
    ],
    [
      { GUARDRAIL_INJECTION_ACTION: 'redact' },
      'GUARDRAIL_INJECTION_ACTION: must be one of block, warn, log',
    ],
    [
      { GUARDRAIL_INJECTION_THRESHOLD: 'high' },
      'GUARDRAIL_INJECTION_THRESHOLD: must be a number from 0 to 1',
    ],
    [{ CONTENT_FILTER_THRESHOLD: '1.5' }, 'CONTENT_FILTER_THRESHOLD: must be a number from 0 to 1'],
    [{ CONTENT_FILTER_CATEGORIES: 'spam' }, 'CONTENT_FILTER_CATEGORIES: each entry must be one of'],
    [
      { LLAMAGUARD_ENABLED: 'true' },
      'LLAMAGUARD_MODEL: is required when LLAMAGUARD_ENABLED is true',
    ],
    [{ LLAMAGUARD_TIMEOUT_MS: '0' }, 'LLAMAGUARD_TIMEOUT_MS: must be an integer from 1 to 600000'],
    ...['0', '2.5', '1001', 'many'].map((value): [Record<string, string>, string] => [
      { LLAMAGUARD_MAX_CHUNKS: value },
      'LLAMAGUARD_MAX_CHUNKS: must be an integer from 1 to 1000',
    ]),
    [{ ...BEDROCK, BEDROCK_GUARDRAIL_ID: '' }, 'BEDROCK_GUARDRAIL_ID: is required'],
    [{ ...BEDROCK, AWS_REGION: '' }, 'BEDROCK_GUARDRAIL_REGION: is required'],
    [{ ...BEDROCK, AWS_REGION: 'mars' }, 'BEDROCK_GUARDRAIL_REGION: must be an AWS region'],
    [{ ...BEDROCK, AWS_SECRET_ACCESS_KEY: '' }, 'AWS_SECRET_ACCESS_KEY: is required'],
    [
      { ...BEDROCK, BEDROCK_GUARDRAIL_ENDPOINT: 'ftp://x' },
      'BEDROCK_GUARDRAIL_ENDPOINT: must be an http(s) URL',
    ],
    ...['1k', '1023', '2048.5', '2000000000'].map((value): [Record<string, string>, string] => [
      { GUARDRAIL_STREAM_HOLD_MAX_BYTES: value },
      'GUARDRAIL_STREAM_HOLD_MAX_BYTES: must be an integer from 1024 to 1073741824',
    ]),
    [
      { BEDROCK_GUARDRAIL_VERSION: 'latest' },
      'BEDROCK_GUARDRAIL_VERSION: must be DRAFT or a version number',
    ],
  ])('fails start-up on %j, naming the variable', (env, problem) => {
    expect(problemsOf(env).join('\n')).toContain(problem);
  });

  it('needs no Bedrock settings while Bedrock is off', () => {
    expect(problemsOf({ BEDROCK_GUARDRAIL_ENDPOINT: 'not a url' })).toEqual([]);
  });
});
