import { scrubSecrets } from '@routeiq/common';
import type { DecisionTimingSummary } from '../decision/router-decision.log';
import type { MlStrategyInfo } from '../ml/strategy/learned-routing.status';
import type { ModelGroup } from '../model-group';

/** Per deployment: its breaker, cooldown and this replica's live figures. */
export interface DeploymentHealthView {
  circuit: string;
  cooldown_until: string | null;
  in_flight: number;
  latency_ms: number | null;
  ttft_ms: number | null;
}

export interface DeploymentRow {
  id: string;
  provider: string;
  model: string;
  api_base: string;
  weight: number | null;
  rpm: number | null;
  tpm: number | null;
  health: DeploymentHealthView;
}

/** Summary of the routing table for `GET /router/info` (never contains credentials). */
export interface RouterInfo {
  routing_strategy: string;
  active_strategies: Array<{ name: string; version: string; weight: number }>;
  model_group_alias: Record<string, string>;
  num_retries: number;
  fallbacks: Record<string, readonly string[]>;
  context_window_fallbacks: Record<string, readonly string[]>;
  content_policy_fallbacks: Record<string, readonly string[]>;
  default_fallbacks: readonly string[];
  model_groups: Array<{
    model_name: string;
    /** Set on a router alias: the model groups it chooses among. */
    candidate_groups?: readonly string[];
    deployments: DeploymentRow[];
  }>;
  /** Learned (`llmrouter-*`) strategies carrying traffic: their artifact and its load state. */
  ml_strategies: MlStrategyInfo[];
  /** Time the router spent choosing, per strategy, over the recent decisions. */
  decision_timings: DecisionTimingSummary[];
}

export function deploymentRows(
  group: ModelGroup,
  health: (id: string) => DeploymentHealthView,
): DeploymentRow[] {
  return group.deployments.map((deployment) => {
    const params = deployment.config.litellmParams;
    return {
      id: deployment.id,
      provider: deployment.provider,
      model: deployment.upstreamModel,
      api_base: scrubSecrets(deployment.connection.apiBase),
      weight: params.weight ?? null,
      rpm: params.rpm ?? null,
      tpm: params.tpm ?? null,
      health: health(deployment.id),
    };
  });
}
