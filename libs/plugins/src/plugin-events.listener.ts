import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConfigStore } from '@routeiq/config';
import type { DeploymentHealthState } from '@routeiq/coordination';
import { DeploymentHealthService, ModelRegistryService } from '@routeiq/routing';
import { PluginPipeline } from './plugin-pipeline.service';
import { PluginRegistry } from './plugin-registry.service';

/** `closed`, `cooldown` (closed but cooling down), `open` or `half_open`. */
function stateLabel(state: DeploymentHealthState, now: number): string {
  if (state.circuit !== 'closed') return state.circuit;
  return state.cooldownUntil > now ? 'cooldown' : 'closed';
}

/**
 * Feeds config reloads and deployment health transitions to the plugins that observe them;
 * subscribes only when some plugin has the hook.
 */
@Injectable()
export class PluginEventsListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly unsubscribes: Array<() => void> = [];
  /** Last label seen per deployment: the health service reports states, plugins get changes. */
  private readonly labels = new Map<string, string>();

  constructor(
    private readonly registry: PluginRegistry,
    private readonly pipeline: PluginPipeline,
    private readonly store: ConfigStore,
    private readonly health: DeploymentHealthService,
    private readonly models: ModelRegistryService,
  ) {}

  onApplicationBootstrap(): void {
    const hooks = this.registry.hooks;
    if (hooks.onConfigReload.length > 0) {
      this.unsubscribes.push(this.store.onChange((config) => this.pipeline.configReloaded(config)));
    }
    if (hooks.onCircuitBreakerChange.length > 0) {
      this.unsubscribes.push(this.health.onChange((id, state) => this.healthChanged(id, state)));
    }
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
  }

  private healthChanged(deploymentId: string, state: DeploymentHealthState): void {
    const to = stateLabel(state, Date.now());
    const from = this.labels.get(deploymentId) ?? 'closed';
    if (to === from) return;
    this.labels.set(deploymentId, to);
    this.pipeline.breakerChanged({
      deploymentId,
      modelGroup: this.groupOf(deploymentId),
      from,
      to,
    });
  }

  private groupOf(deploymentId: string): string {
    for (const group of this.models.groups()) {
      if (group.deployments.some((d) => d.id === deploymentId)) return group.name;
    }
    return '';
  }
}
