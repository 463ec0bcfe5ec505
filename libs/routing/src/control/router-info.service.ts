import { Injectable } from '@nestjs/common';
import { RouterDecisionLog } from '../decision/router-decision.log';
import { DeploymentHealthService } from '../health/deployment-health.service';
import { DeploymentMetricsService } from '../metrics/deployment-metrics.service';
import { MlRoutingService } from '../ml/strategy/ml-routing.service';
import { ModelRegistryService } from '../model-registry.service';
import { StrategyRegistryService } from '../registry/strategy-registry.service';
import { deploymentRows, type DeploymentHealthView, type RouterInfo } from './router-info';

const HEALTHY_VIEW: DeploymentHealthView = {
  circuit: 'closed',
  cooldown_until: null,
  in_flight: 0,
  latency_ms: null,
  ttft_ms: null,
};

/** Builds `GET /router/info`: the routing table with each deployment's live state. */
@Injectable()
export class RouterInfoService {
  constructor(
    private readonly registry: ModelRegistryService,
    private readonly health: DeploymentHealthService,
    private readonly metrics: DeploymentMetricsService,
    private readonly strategies: StrategyRegistryService,
    private readonly decisions: RouterDecisionLog,
    private readonly ml: MlRoutingService,
  ) {}

  info(): RouterInfo {
    const views = this.healthViews();
    const settings = this.registry.settings;
    const active = this.strategies.weighted();
    return {
      routing_strategy: this.registry.strategy,
      active_strategies: active,
      model_group_alias: Object.fromEntries(this.registry.aliases()),
      num_retries: settings.num_retries,
      fallbacks: { ...settings.fallbacks },
      context_window_fallbacks: { ...settings.context_window_fallbacks },
      content_policy_fallbacks: { ...settings.content_policy_fallbacks },
      default_fallbacks: settings.default_fallbacks,
      model_groups: this.registry.groups().map((group) => ({
        model_name: group.name,
        ...(group.candidateGroups && { candidate_groups: group.candidateGroups }),
        deployments: deploymentRows(group, (id) => views.get(id) ?? HEALTHY_VIEW),
      })),
      ml_strategies: this.ml.strategyInfo(active.map((strategy) => strategy.name)),
      decision_timings: this.decisions.timings(),
    };
  }

  private healthViews(): Map<string, DeploymentHealthView> {
    const views = new Map<string, DeploymentHealthView>();
    const view = (id: string): DeploymentHealthView => {
      let entry = views.get(id);
      if (!entry) views.set(id, (entry = { ...HEALTHY_VIEW }));
      return entry;
    };
    for (const row of this.health.snapshot(Date.now())) {
      const entry = view(row.deployment);
      entry.circuit = row.circuit;
      entry.cooldown_until = row.cooldown_until;
    }
    for (const row of this.metrics.snapshot()) {
      const entry = view(row.deployment);
      entry.in_flight = row.in_flight;
      entry.latency_ms = row.latency_ms;
      entry.ttft_ms = row.ttft_ms;
    }
    return views;
  }
}
