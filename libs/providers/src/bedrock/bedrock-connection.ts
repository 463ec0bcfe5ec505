import type { ConfigProblem, DeploymentConfig } from '@routeiq/config';
import type { ProviderConnection } from '../contract/provider-adapter';

type Environment = Readonly<Record<string, string | undefined>>;

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A Bedrock deployment's connection: the base URL plus the region and keys SigV4 signs with. */
export interface BedrockConnection extends ProviderConnection {
  readonly region: string;
  readonly credentials: AwsCredentials;
}

const TRAILING_SLASHES = /\/+$/;
const HTTP_PROTOCOL = /^https?:$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
// Credential sources LiteLLM accepts that need STS or a profile file; not implemented yet.
const UNSUPPORTED_PARAMS = ['aws_role_name', 'aws_profile_name', 'aws_web_identity_token'];

function param(deployment: DeploymentConfig, key: string): string | undefined {
  const value = deployment.litellmParams.extra[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function resolveRegion(
  deployment: DeploymentConfig,
  env: Environment,
  problems: ConfigProblem[],
): string {
  const region = param(deployment, 'aws_region_name') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    problems.push({
      path: 'litellm_params.aws_region_name',
      message: 'is required for provider "bedrock" (or set AWS_REGION / AWS_DEFAULT_REGION)',
    });
  } else if (!REGION.test(region)) {
    problems.push({
      path: 'litellm_params.aws_region_name',
      message: `must be an AWS region such as us-east-1, got "${region}"`,
    });
  }
  return region ?? '';
}

function resolveCredentials(
  deployment: DeploymentConfig,
  env: Environment,
  problems: ConfigProblem[],
): AwsCredentials {
  // Keys come as a pair from one source, so a deployment key never mixes with an env secret.
  const own = param(deployment, 'aws_access_key_id') !== undefined;
  const accessKeyId = own ? param(deployment, 'aws_access_key_id') : env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = own
    ? param(deployment, 'aws_secret_access_key')
    : env.AWS_SECRET_ACCESS_KEY;
  const sessionToken = own ? param(deployment, 'aws_session_token') : env.AWS_SESSION_TOKEN;
  if (!accessKeyId) {
    problems.push({
      path: 'litellm_params.aws_access_key_id',
      message: 'is required for provider "bedrock" (or set AWS_ACCESS_KEY_ID)',
    });
  }
  if (!secretAccessKey) {
    problems.push({
      path: 'litellm_params.aws_secret_access_key',
      message: 'is required for provider "bedrock" (or set AWS_SECRET_ACCESS_KEY)',
    });
  }
  return {
    accessKeyId: accessKeyId ?? '',
    secretAccessKey: secretAccessKey ?? '',
    ...(sessionToken ? { sessionToken } : {}),
  };
}

function resolveApiBase(
  deployment: DeploymentConfig,
  region: string,
  problems: ConfigProblem[],
): string {
  const apiBase =
    deployment.litellmParams.api_base ?? `https://bedrock-runtime.${region}.amazonaws.com`;
  if (!URL.canParse(apiBase) || !HTTP_PROTOCOL.test(new URL(apiBase).protocol)) {
    problems.push({
      path: 'litellm_params.api_base',
      message: `must be an http(s) URL, got "${apiBase}"`,
    });
  }
  return apiBase.replace(TRAILING_SLASHES, '');
}

/**
 * Region, keys and endpoint of a Bedrock deployment: `litellm_params` first (`aws_region_name`,
 * `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`, `api_base`), then the standard
 * AWS variables of the config's environment. Every missing piece is reported at once.
 */
export function resolveBedrockConnection(
  deployment: DeploymentConfig,
  env: Environment,
): BedrockConnection | ConfigProblem[] {
  const problems: ConfigProblem[] = UNSUPPORTED_PARAMS.filter((key) => param(deployment, key)).map(
    (key) => ({
      path: `litellm_params.${key}`,
      message: 'is not supported yet for provider "bedrock"; use access keys',
    }),
  );
  const region = resolveRegion(deployment, env, problems);
  const credentials = resolveCredentials(deployment, env, problems);
  const apiBase = resolveApiBase(deployment, region, problems);
  if (problems.length > 0) return problems;
  return { apiBase, region, credentials };
}

/** Narrows a deployment's connection; anything else means it was not resolved by this adapter. */
export function isBedrockConnection(
  connection: ProviderConnection,
): connection is BedrockConnection {
  const candidate = connection as Partial<BedrockConnection>;
  return typeof candidate.region === 'string' && typeof candidate.credentials === 'object';
}
