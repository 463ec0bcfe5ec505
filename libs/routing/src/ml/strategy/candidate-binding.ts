import type { ResolvedDeployment } from '@routeiq/providers';
import type { CandidateFacts } from '../ml.types';
import { costPer1kOf, parametersOf, routerCandidateOf } from './deployment-facts';

/**
 * A router's candidates bound to the deployments of one pool: which candidates may be chosen,
 * what each costs and weighs, and the deployments that serve each one.
 */
export interface CandidateBinding {
  /** Candidate i has at least one deployment in the pool. */
  readonly available: readonly boolean[];
  readonly facts: readonly CandidateFacts[];
  /** Per candidate, its deployments in pool order (empty when unavailable). */
  readonly deployments: ReadonlyArray<readonly ResolvedDeployment[]>;
  /** How many candidates have a deployment. */
  readonly matched: number;
}

/**
 * The artifact candidate a deployment stands for, by the first of its names the router knows:
 * `model_info.id`, `model_info.router_candidate`, the model id without the provider prefix, the
 * model group. -1 when none is a candidate.
 */
export function candidateIndexOf(
  deployment: ResolvedDeployment,
  indexByName: ReadonlyMap<string, number>,
): number {
  const names = [
    deployment.id,
    routerCandidateOf(deployment),
    deployment.upstreamModel,
    deployment.modelName,
  ];
  for (const name of names) {
    const index = name === undefined ? undefined : indexByName.get(name);
    if (index !== undefined) return index;
  }
  return -1;
}

/**
 * Binds `candidates` (an artifact's) to `pool`. A candidate's cost is that of its first priced
 * deployment (`model_info` prices), else the artifact's `candidate_costs`; its size is the first
 * `model_info.parameters_b` (decision rules fall back to cost without one).
 */
export function bindCandidates(
  candidates: readonly string[],
  pool: readonly ResolvedDeployment[],
  candidateCosts: Readonly<Record<string, number>> | undefined,
): CandidateBinding {
  const indexByName = new Map<string, number>();
  candidates.forEach((name, i) => {
    if (!indexByName.has(name)) indexByName.set(name, i);
  });
  const deployments: ResolvedDeployment[][] = candidates.map(() => []);
  for (const deployment of pool) {
    const index = candidateIndexOf(deployment, indexByName);
    if (index >= 0) deployments[index]!.push(deployment);
  }
  const facts = candidates.map((name, i) => {
    const served = deployments[i]!;
    return {
      costPer1k: firstDefined(served, costPer1kOf) ?? artifactCost(candidateCosts, name),
      size: firstDefined(served, parametersOf),
    };
  });
  const available = deployments.map((served) => served.length > 0);
  return { available, facts, deployments, matched: available.filter(Boolean).length };
}

/** Every deployment of the pool is its own candidate (baselines that need no model). */
export function bindDeployments(pool: readonly ResolvedDeployment[]): CandidateBinding {
  return {
    available: pool.map(() => true),
    facts: pool.map((deployment) => ({
      costPer1k: costPer1kOf(deployment),
      size: parametersOf(deployment),
    })),
    deployments: pool.map((deployment) => [deployment]),
    matched: pool.length,
  };
}

/**
 * Bindings by owner (a loaded router) and pool. A group's pool is the same array request after
 * request while every deployment is eligible, so the usual pick binds nothing; a router swap or a
 * config reload brings new owners or pools, and the old entries go with them.
 */
export class BindingCache<B extends CandidateBinding = CandidateBinding> {
  private readonly byOwner = new WeakMap<object, WeakMap<object, B>>();

  get(owner: object, pool: readonly ResolvedDeployment[], bind: () => B): B {
    let byPool = this.byOwner.get(owner);
    if (!byPool) this.byOwner.set(owner, (byPool = new WeakMap()));
    let binding = byPool.get(pool);
    if (!binding) byPool.set(pool, (binding = bind()));
    return binding;
  }
}

function firstDefined(
  deployments: readonly ResolvedDeployment[],
  read: (deployment: ResolvedDeployment) => number | undefined,
): number | undefined {
  for (const deployment of deployments) {
    const value = read(deployment);
    if (value !== undefined) return value;
  }
  return undefined;
}

function artifactCost(
  costs: Readonly<Record<string, number>> | undefined,
  name: string,
): number | undefined {
  if (!costs || !Object.prototype.hasOwnProperty.call(costs, name)) return undefined;
  const cost = costs[name];
  return typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : undefined;
}
