import type { ResolvedDeployment } from '@routeiq/providers';

/** Picks one deployment among candidates of a model group. Candidates are never empty. */
export abstract class RoutingStrategy {
  abstract readonly name: string;
  abstract pick(candidates: readonly ResolvedDeployment[]): ResolvedDeployment;
}
