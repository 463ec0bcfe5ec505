import { createHash } from 'node:crypto';
import type { ResolvedDeployment } from '@routeiq/providers';
import type { RoutingContext } from '../../../strategies/routing-strategy';
import { buildRouter } from '../../artifact/router-artifact.loader';
import type { LoadedRouter, RouterArtifact } from '../../ml.types';
import type { LearnedRouterSource } from '../learned-router.source';
import type { PromptEmbeddings } from '../prompt-embeddings';

export interface DeploymentShape {
  readonly group?: string;
  /** Upstream model id (the part of `litellm_params.model` after the provider). */
  readonly model?: string;
  readonly inputCost?: number;
  readonly outputCost?: number;
  /** `model_info` free-form fields (`router_candidate`, `parameters_b`). */
  readonly extra?: Record<string, unknown>;
}

/** A deployment with what learned strategies read: ids, names and `model_info`. */
export function mlDeployment(id: string, shape: DeploymentShape = {}): ResolvedDeployment {
  const group = shape.group ?? 'g';
  const model = shape.model ?? `${id}-model`;
  return {
    id,
    modelName: group,
    provider: 'openai',
    upstreamModel: model,
    config: {
      modelName: group,
      provider: 'openai',
      upstreamModel: model,
      litellmParams: { model: `openai/${model}`, extra: {} },
      modelInfo: {
        id,
        ...(shape.inputCost !== undefined && { input_cost_per_token: shape.inputCost }),
        ...(shape.outputCost !== undefined && { output_cost_per_token: shape.outputCost }),
        extra: shape.extra ?? {},
      },
    },
  } as unknown as ResolvedDeployment;
}

/** A loaded router built from an artifact the way the artifact loader builds it. */
export function loadedRouter(artifact: RouterArtifact): LoadedRouter {
  const sha = createHash('sha256').update(JSON.stringify(artifact)).digest('hex');
  return buildRouter(artifact, sha);
}

/** A router source the test sets by hand. */
export class FixedRouterSource implements LearnedRouterSource {
  current: LoadedRouter | undefined;
  reason = 'no router configured';

  constructor(
    router?: LoadedRouter,
    readonly embeddings?: PromptEmbeddings,
  ) {
    this.current = router;
  }

  router(): LoadedRouter | undefined {
    return this.current;
  }

  unavailableReason(): string {
    return this.reason;
  }
}

/** A context whose prompt is `text` and whose reads of it are counted. */
export function promptContext(
  text: string | undefined,
  args: Record<string, unknown> = {},
  random: () => number = () => 0,
): RoutingContext & { readonly reads: () => number } {
  let reads = 0;
  return {
    metrics: {
      inFlight: () => 0,
      latencyMs: () => undefined,
      ttftMs: () => undefined,
      usage: () => ({ requests: 0, tokens: 0 }),
    },
    args,
    estimatedTokens: 100,
    stream: false,
    random,
    prompt: () => {
      reads++;
      return text;
    },
    reads: () => reads,
  };
}
