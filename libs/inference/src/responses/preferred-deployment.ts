import type { ProviderCapability, ResolvedDeployment } from '@routeiq/providers';
import type { ModelRegistryService } from '@routeiq/routing';

/**
 * The deployment a request asks to go back to (a symbol key never reaches an upstream's JSON
 * body): a continued Responses conversation returns to the deployment that answered it, so the
 * upstream's prompt cache stays warm.
 */
export const PREFERRED_DEPLOYMENT = Symbol('inference.preferredDeployment');

export interface PreferringRequest {
  model: string;
  [PREFERRED_DEPLOYMENT]?: string;
}

/**
 * The preferred deployment when it is still in the request's model group and can serve
 * everything asked; undefined sends the request through the router as usual.
 */
export function preferredDeployment(
  registry: ModelRegistryService,
  request: PreferringRequest,
  capability: ProviderCapability,
  needs: readonly ProviderCapability[] | undefined,
): ResolvedDeployment | undefined {
  const id = request[PREFERRED_DEPLOYMENT];
  if (id === undefined) return undefined;
  const deployment = registry.find(request.model)?.deployments.find((d) => d.id === id);
  if (!deployment) return undefined;
  const { capabilities } = deployment.adapter;
  if (!capabilities.has(capability)) return undefined;
  return (needs ?? []).every((need) => capabilities.has(need)) ? deployment : undefined;
}
