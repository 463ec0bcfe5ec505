import type { DeploymentUsage } from '@routeiq/coordination';
import type { LitellmParams, ModelInfo } from '@routeiq/config';
import type { ResolvedDeployment } from '@routeiq/providers';
import type { DeploymentMetrics, RoutingContext } from '../routing-strategy';

type Params = Partial<Pick<LitellmParams, 'weight' | 'rpm' | 'tpm'>>;
type Prices = Partial<Pick<ModelInfo, 'input_cost_per_token' | 'output_cost_per_token'>>;

/** A deployment with only what strategies read: its id, litellm params and model_info prices. */
export function fakeDeployment(
  id: string,
  params: Params = {},
  prices: Prices = {},
): ResolvedDeployment {
  return {
    id,
    modelName: 'group',
    config: {
      modelName: 'group',
      litellmParams: { model: 'mock/x', extra: {}, ...params },
      modelInfo: { id, extra: {}, ...prices },
    },
  } as unknown as ResolvedDeployment;
}

/** Metrics set by hand: every read comes from these maps. */
export class FakeMetrics implements DeploymentMetrics {
  readonly inFlightById = new Map<string, number>();
  readonly latencyById = new Map<string, number>();
  readonly ttftById = new Map<string, number>();
  readonly usageById = new Map<string, DeploymentUsage>();

  inFlight(deploymentId: string): number {
    return this.inFlightById.get(deploymentId) ?? 0;
  }

  latencyMs(deploymentId: string): number | undefined {
    return this.latencyById.get(deploymentId);
  }

  ttftMs(deploymentId: string): number | undefined {
    return this.ttftById.get(deploymentId);
  }

  usage(deploymentId: string): DeploymentUsage {
    return this.usageById.get(deploymentId) ?? { requests: 0, tokens: 0 };
  }
}

/** A deterministic stand-in for Math.random: evenly spread values in [0, 1), cycling. */
export function evenRandom(samples: number): () => number {
  let i = 0;
  return () => (i++ % samples) / samples;
}

export function routingContext(overrides: Partial<RoutingContext> = {}): RoutingContext {
  return {
    metrics: new FakeMetrics(),
    args: {},
    estimatedTokens: 100,
    stream: false,
    random: () => 0,
    ...overrides,
  };
}

/** Share of picks per deployment id over `draws` picks. */
export function shares(
  pick: () => ResolvedDeployment,
  draws: number,
): Record<string, number | undefined> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < draws; i++) {
    const id = pick().id;
    counts[id] = (counts[id] ?? 0) + 1 / draws;
  }
  return counts;
}
