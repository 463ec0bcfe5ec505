import { Injectable } from '@nestjs/common';
import { scrubSecrets } from '@routeiq/common';
import type { ProviderCapability, ResolvedDeployment } from '@routeiq/providers';
import { ModelRegistryService } from './model-registry.service';
import { RoutingException } from './routing.exception';
import type { RoutingStrategy } from './strategies/routing-strategy';
import { SimpleShuffleStrategy } from './strategies/simple-shuffle.strategy';

/** Summary of the routing table for `GET /router/info` (never contains credentials). */
export interface RouterInfo {
  routing_strategy: string;
  model_group_alias: Record<string, string>;
  model_groups: Array<{
    model_name: string;
    deployments: Array<{
      id: string;
      provider: string;
      model: string;
      api_base: string;
      weight: number | null;
      rpm: number | null;
      tpm: number | null;
    }>;
  }>;
}

const NO_NEEDS: readonly ProviderCapability[] = [];

/** Chooses the deployment that serves a request for a model group. */
@Injectable()
export class RouterService {
  private readonly strategy: RoutingStrategy = new SimpleShuffleStrategy();

  constructor(private readonly registry: ModelRegistryService) {}

  /**
   * Picks a deployment of `model` whose provider can serve `capability` and every one of `needs`
   * (streaming, tools, vision); none → 400 before any upstream call. `preferredId` (a continued
   * conversation's deployment, so its prompt cache stays warm) wins while it is still a capable
   * member of the group.
   */
  route(
    model: string,
    capability: ProviderCapability,
    needs: readonly ProviderCapability[] = NO_NEEDS,
    preferredId?: string,
  ): ResolvedDeployment {
    const group = this.registry.find(model);
    if (!group) throw RoutingException.modelNotFound(model);
    let candidates = group.byCapability.get(capability) ?? [];
    for (const need of needs) {
      if (candidates.length === 0) break;
      const able = group.byCapability.get(need);
      if (able && able.length !== group.deployments.length) {
        candidates = candidates.filter((deployment) => able.includes(deployment));
      }
      if (candidates.length === 0) throw RoutingException.noCapableDeployment(model, need);
    }
    if (candidates.length === 0) throw RoutingException.noCapableDeployment(model, capability);
    const preferred =
      preferredId === undefined ? undefined : candidates.find((d) => d.id === preferredId);
    return preferred ?? this.strategy.pick(candidates);
  }

  info(): RouterInfo {
    return {
      routing_strategy: this.registry.strategy,
      model_group_alias: Object.fromEntries(this.registry.aliases()),
      model_groups: this.registry.groups().map((group) => ({
        model_name: group.name,
        deployments: group.deployments.map((deployment) => {
          const params = deployment.config.litellmParams;
          return {
            id: deployment.id,
            provider: deployment.provider,
            model: deployment.upstreamModel,
            api_base: scrubSecrets(deployment.connection.apiBase),
            weight: params.weight ?? null,
            rpm: params.rpm ?? null,
            tpm: params.tpm ?? null,
          };
        }),
      })),
    };
  }
}
