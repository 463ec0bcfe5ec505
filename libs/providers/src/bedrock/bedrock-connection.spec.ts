import { deploymentConfig } from '../__fixtures__/deployments';
import { isBedrockConnection, resolveBedrockConnection } from './bedrock-connection';

const MODEL = 'bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0';
const ENV_KEYS = { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env-secret' };

describe(resolveBedrockConnection.name, () => {
  it('takes region and keys from litellm_params first', () => {
    const config = deploymentConfig(MODEL, {
      extra: {
        aws_region_name: 'eu-west-3',
        aws_access_key_id: 'AKIAOWN',
        aws_secret_access_key: 'own-secret',
        aws_session_token: 'own-token',
      },
    });
    expect(resolveBedrockConnection(config, { ...ENV_KEYS, AWS_REGION: 'us-east-1' })).toEqual({
      apiBase: 'https://bedrock-runtime.eu-west-3.amazonaws.com',
      region: 'eu-west-3',
      credentials: {
        accessKeyId: 'AKIAOWN',
        secretAccessKey: 'own-secret',
        sessionToken: 'own-token',
      },
    });
  });

  it('falls back to AWS_REGION, then AWS_DEFAULT_REGION, and the AWS_* keys', () => {
    const config = deploymentConfig(MODEL);
    const env = { ...ENV_KEYS, AWS_SESSION_TOKEN: 'env-token', AWS_DEFAULT_REGION: 'us-west-2' };
    const connection = resolveBedrockConnection(config, env);
    expect(connection).toEqual({
      apiBase: 'https://bedrock-runtime.us-west-2.amazonaws.com',
      region: 'us-west-2',
      credentials: {
        accessKeyId: 'AKIAENV',
        secretAccessKey: 'env-secret',
        sessionToken: 'env-token',
      },
    });
    expect(resolveBedrockConnection(config, { ...env, AWS_REGION: 'ap-south-1' })).toMatchObject({
      region: 'ap-south-1',
    });
  });

  it('never pairs a deployment key with the environment secret', () => {
    const config = deploymentConfig(MODEL, {
      extra: { aws_region_name: 'us-east-1', aws_access_key_id: 'AKIAOWN' },
    });
    expect(resolveBedrockConnection(config, ENV_KEYS)).toEqual([
      {
        path: 'litellm_params.aws_secret_access_key',
        message: 'is required for provider "bedrock" (or set AWS_SECRET_ACCESS_KEY)',
      },
    ]);
  });

  it('reports a missing region and missing credentials together', () => {
    expect(resolveBedrockConnection(deploymentConfig(MODEL), {})).toEqual([
      {
        path: 'litellm_params.aws_region_name',
        message: 'is required for provider "bedrock" (or set AWS_REGION / AWS_DEFAULT_REGION)',
      },
      {
        path: 'litellm_params.aws_access_key_id',
        message: 'is required for provider "bedrock" (or set AWS_ACCESS_KEY_ID)',
      },
      {
        path: 'litellm_params.aws_secret_access_key',
        message: 'is required for provider "bedrock" (or set AWS_SECRET_ACCESS_KEY)',
      },
    ]);
  });

  it('rejects a malformed region, a non-http api_base and role-based credentials', () => {
    const config = deploymentConfig(MODEL, {
      api_base: 'ftp://example.com',
      extra: { aws_region_name: 'Paris', aws_role_name: 'arn:aws:iam::1:role/x' },
    });
    expect(resolveBedrockConnection(config, ENV_KEYS)).toEqual([
      {
        path: 'litellm_params.aws_role_name',
        message: 'is not supported yet for provider "bedrock"; use access keys',
      },
      {
        path: 'litellm_params.aws_region_name',
        message: 'must be an AWS region such as us-east-1, got "Paris"',
      },
      {
        path: 'litellm_params.api_base',
        message: 'must be an http(s) URL, got "ftp://example.com"',
      },
    ]);
  });

  it('keeps a custom api_base without its trailing slash', () => {
    const config = deploymentConfig(MODEL, {
      api_base: 'https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com/',
    });
    const connection = resolveBedrockConnection(config, { ...ENV_KEYS, AWS_REGION: 'us-east-1' });
    expect(connection).toMatchObject({
      apiBase: 'https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com',
    });
    expect(!Array.isArray(connection) && isBedrockConnection(connection)).toBe(true);
    expect(isBedrockConnection({ apiBase: 'https://api.openai.com/v1' })).toBe(false);
  });
});
