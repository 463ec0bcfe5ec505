import { Injectable } from '@nestjs/common';
import type { ConfigProblem, DeploymentConfig } from '@routeiq/config';
import type { ProviderAdapter, ResolvedDeployment } from './contract/provider-adapter';
import { MockAdapter } from './mock/mock.adapter';

export interface ResolveDefaults {
  /** Non-streaming timeout when `litellm_params.timeout` is absent, ms. */
  readonly timeoutMs: number;
  /** `litellm_settings.drop_params`, when the deployment does not say. */
  readonly dropParams?: boolean;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** Every adapter, keyed by the provider prefixes it serves. */
@Injectable()
export class ProviderRegistry {
  private readonly byName = new Map<string, ProviderAdapter>();
  private readonly mock: ProviderAdapter | undefined;

  constructor(adapters: readonly ProviderAdapter[]) {
    for (const adapter of adapters) {
      for (const name of adapter.names) {
        if (this.byName.has(name)) throw new Error(`Provider "${name}" is registered twice`);
        this.byName.set(name, adapter);
      }
    }
    this.mock = adapters.find((adapter) => adapter instanceof MockAdapter);
  }

  get(provider: string): ProviderAdapter | undefined {
    return this.byName.get(provider);
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /**
   * Binds a deployment to its adapter and connection. Problem paths are relative to the deployment
   * (the caller prefixes `model_list[i].`). A deployment with `mock_response` is served by the mock
   * adapter whatever its provider, as in LiteLLM.
   */
  resolve(
    deployment: DeploymentConfig,
    environment: Readonly<Record<string, string | undefined>>,
    defaults: ResolveDefaults,
  ): ResolvedDeployment | ConfigProblem[] {
    const params = deployment.litellmParams;
    const adapter =
      params.mock_response !== undefined && this.mock ? this.mock : this.get(deployment.provider);
    if (!adapter) {
      const message = `unknown provider "${deployment.provider}" (known: ${this.names().join(', ')})`;
      return [{ path: 'litellm_params.model', message }];
    }
    const connection = adapter.resolveConnection(deployment, environment);
    if (Array.isArray(connection)) return connection;
    const timeoutMs = params.timeout !== undefined ? params.timeout * 1000 : defaults.timeoutMs;
    return {
      id: deployment.modelInfo.id,
      modelName: deployment.modelName,
      provider: deployment.provider,
      upstreamModel: deployment.upstreamModel,
      connection,
      timeoutMs,
      streamTimeoutMs:
        params.stream_timeout !== undefined ? params.stream_timeout * 1000 : timeoutMs,
      config: deployment,
      adapter,
      dropParams: params.drop_params ?? defaults.dropParams ?? false,
      extraHeaders: params.extra_headers ?? NO_HEADERS,
    };
  }
}
