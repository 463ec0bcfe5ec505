import type { ConfigProblem, DeploymentConfig } from '@routeiq/config';
import type { ResolvedDeployment } from '@routeiq/providers';

/** `model_info.router_candidate`: the artifact candidate a deployment stands for. */
export const ROUTER_CANDIDATE_FIELD = 'router_candidate';
/** `model_info.parameters_b`: the model's size in billions of parameters (smallest/largest). */
export const PARAMETERS_FIELD = 'parameters_b';

/** The deployment's `model_info.router_candidate`, when set. */
export function routerCandidateOf(deployment: ResolvedDeployment): string | undefined {
  const value = deployment.config.modelInfo.extra[ROUTER_CANDIDATE_FIELD];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The deployment's `model_info.parameters_b`, when set. */
export function parametersOf(deployment: ResolvedDeployment): number | undefined {
  const value = deployment.config.modelInfo.extra[PARAMETERS_FIELD];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * USD per 1k tokens from `model_info` prices: input and output averaged (as `CandidateFacts`
 * counts them), or the one that is set. Undefined without prices.
 */
export function costPer1kOf(deployment: ResolvedDeployment): number | undefined {
  const { input_cost_per_token: input, output_cost_per_token: output } =
    deployment.config.modelInfo;
  if (input === undefined && output === undefined) return undefined;
  if (input === undefined || output === undefined) return (input ?? output ?? 0) * 1000;
  return ((input + output) / 2) * 1000;
}

/**
 * The learned-routing fields of `model_info` checked at config load (they are kept in
 * `model_info`'s free-form part, so nothing else validates them).
 */
export function modelInfoProblems(modelList: readonly DeploymentConfig[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  modelList.forEach((deployment, index) => {
    const extra = deployment.modelInfo.extra;
    const path = `model_list[${index}].model_info`;
    const candidate = extra[ROUTER_CANDIDATE_FIELD];
    if (candidate !== undefined && (typeof candidate !== 'string' || candidate.trim() === '')) {
      problems.push({
        path: `${path}.${ROUTER_CANDIDATE_FIELD}`,
        message: 'must be a non-empty string (an artifact candidate name)',
      });
    }
    const size = extra[PARAMETERS_FIELD];
    if (size !== undefined && !(typeof size === 'number' && Number.isFinite(size) && size > 0)) {
      problems.push({
        path: `${path}.${PARAMETERS_FIELD}`,
        message: 'must be a positive number (billions of parameters)',
      });
    }
  });
  return problems;
}
