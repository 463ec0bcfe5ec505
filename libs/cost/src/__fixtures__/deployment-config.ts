import type { DeploymentConfig } from '@routeiq/config';

const TYPED_INFO = new Set(['input_cost_per_token', 'output_cost_per_token']);

/**
 * A deployment of `litellm_params.model` as the config parser hands it over: the provider prefix
 * split off, typed `model_info` keys typed and the rest kept in `extra`.
 */
export function deploymentConfig(
  model: string,
  modelInfo: Record<string, unknown> = {},
): DeploymentConfig {
  const slash = model.indexOf('/');
  const typed = Object.fromEntries(Object.entries(modelInfo).filter(([k]) => TYPED_INFO.has(k)));
  const extra = Object.fromEntries(Object.entries(modelInfo).filter(([k]) => !TYPED_INFO.has(k)));
  return {
    modelName: 'group',
    provider: slash < 0 ? 'openai' : model.slice(0, slash).toLowerCase(),
    upstreamModel: slash < 0 ? model : model.slice(slash + 1),
    litellmParams: { model, extra: {} },
    modelInfo: { id: `dep-${model}`, ...typed, extra },
  };
}
