import { Injectable } from '@nestjs/common';
import type { ConfigProblem, DeploymentConfig } from '@routeiq/config';
import type {
  ProviderCallContext,
  ProviderCapability,
  ProviderConnection,
} from '../contract/provider-adapter';
import type { ProviderException } from '../contract/provider.exception';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import {
  OPENAI_COMPATIBLE_CAPABILITIES,
  OpenAiCompatibleAdapter,
  type UpstreamPath,
} from '../openai-compatible/openai-compatible.adapter';
import type { UpstreamHeaders } from '../openai-compatible/upstream-error.mapper';
import { mapAzureError } from './azure-error.mapper';

type Environment = Readonly<Record<string, string | undefined>>;

/** The GA data-plane version used when neither `api_version` nor `AZURE_API_VERSION` is set. */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

/** An Azure connection: an `api-key`, or else a Microsoft Entra ID (Azure AD) bearer token. */
export interface AzureConnection extends ProviderConnection {
  readonly apiVersion: string;
  readonly azureAdToken?: string;
}

type AzureCredential = Pick<AzureConnection, 'apiKey' | 'azureAdToken'>;

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * The deployment's own credential wins over the environment's, and within each an API key wins
 * over an AD token (LiteLLM's order), so exactly one auth header is ever sent.
 */
export function resolveAzureCredential(
  deployment: DeploymentConfig,
  environment: Environment,
): AzureCredential {
  const params = deployment.litellmParams;
  const apiKey = nonEmpty(params.api_key);
  if (apiKey) return { apiKey };
  const adToken = nonEmpty(params.extra.azure_ad_token);
  if (adToken) return { azureAdToken: adToken };
  const envKey = nonEmpty(environment.AZURE_API_KEY);
  if (envKey) return { apiKey: envKey };
  const envToken = nonEmpty(environment.AZURE_AD_TOKEN);
  return envToken ? { azureAdToken: envToken } : {};
}

const AZURE_CAPABILITIES: ReadonlySet<ProviderCapability> = new Set([
  ...OPENAI_COMPATIBLE_CAPABILITIES,
  'responses',
]);

/**
 * Azure OpenAI (`azure/<deployment name>`): OpenAI's wire format under
 * `{api_base}/openai/deployments/{deployment}/…?api-version=…`, authenticated by an `api-key`
 * header or an Entra ID bearer token. `api_base` (or `AZURE_API_BASE`) is the resource endpoint,
 * e.g. `https://my-resource.openai.azure.com`.
 */
@Injectable()
export class AzureOpenAiAdapter extends OpenAiCompatibleAdapter {
  readonly names = ['azure'] as const;
  // Azure serves the Responses API on its v1 surface: Responses requests are passed through.
  override readonly capabilities = AZURE_CAPABILITIES;
  // Credentials are resolved by `resolveAzureCredential`, not by the base's single key variable.
  protected readonly apiKeyEnv = undefined;

  constructor(http: UpstreamHttpClient) {
    super(http);
  }

  protected override defaultApiBase(environment: Environment): string | undefined {
    return nonEmpty(environment.AZURE_API_BASE);
  }

  override resolveConnection(
    deployment: DeploymentConfig,
    environment: Environment,
  ): AzureConnection | ConfigProblem[] {
    const base = super.resolveConnection(deployment, environment);
    if (Array.isArray(base)) return base;
    const { apiBase } = base;
    const apiVersion =
      nonEmpty(deployment.litellmParams.api_version) ??
      nonEmpty(environment.AZURE_API_VERSION) ??
      AZURE_DEFAULT_API_VERSION;
    return { apiBase, apiVersion, ...resolveAzureCredential(deployment, environment) };
  }

  protected override headers(connection: AzureConnection, stream: boolean): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (connection.apiKey) headers['api-key'] = connection.apiKey;
    else if (connection.azureAdToken) headers.authorization = `Bearer ${connection.azureAdToken}`;
    if (stream) headers.accept = 'text/event-stream';
    return headers;
  }

  protected override upstreamUrl(path: UpstreamPath, ctx: ProviderCallContext): string {
    const { connection, upstreamModel } = ctx.deployment;
    // The Responses API lives on the deployment-less v1 surface (no api-version); the deployment
    // name travels as the body's `model`.
    if (path === '/responses') return `${connection.apiBase}/openai/v1/responses`;
    const version = connection.apiVersion ?? AZURE_DEFAULT_API_VERSION;
    const deployment = encodeURIComponent(upstreamModel);
    return `${connection.apiBase}/openai/deployments/${deployment}${path}?api-version=${encodeURIComponent(version)}`;
  }

  protected override mapHttpError(
    status: number,
    bodyText: string,
    headers: UpstreamHeaders,
  ): ProviderException {
    return mapAzureError(status, bodyText, headers);
  }
}
