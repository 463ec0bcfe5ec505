import type { DeploymentConfig, LitellmParams } from '@routeiq/config';
import type { ProviderCallContext, ResolvedDeployment } from '../contract/provider-adapter';

type ParamsInit = Partial<Omit<LitellmParams, 'model' | 'extra'>> & {
  extra?: Record<string, unknown>;
};

/** A deployment as @routeiq/config would hand it over, for `provider/model`. */
export function deploymentConfig(
  model: string,
  params: ParamsInit = {},
  modelName = 'test-group',
): DeploymentConfig {
  const slash = model.indexOf('/');
  return {
    modelName,
    provider: slash === -1 ? 'openai' : model.slice(0, slash),
    upstreamModel: slash === -1 ? model : model.slice(slash + 1),
    litellmParams: { ...params, model, extra: params.extra ?? {} },
    modelInfo: { id: `dep-${modelName}`, extra: {} },
  };
}

export function callContext(
  deployment: ResolvedDeployment | unknown[],
  signal: AbortSignal = new AbortController().signal,
): ProviderCallContext {
  if (Array.isArray(deployment))
    throw new Error(`Unexpected problems: ${JSON.stringify(deployment)}`);
  return { deployment, signal, requestId: 'req-test' };
}
