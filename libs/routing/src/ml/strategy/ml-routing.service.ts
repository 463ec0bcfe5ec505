import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ConfigStore, type GatewayConfig, type PreparedConfigChange } from '@routeiq/config';
import { DeploymentHealthService } from '../../health/deployment-health.service';
import { ModelRegistryService } from '../../model-registry.service';
import { StrategyRegistryService } from '../../registry/strategy-registry.service';
import { artifactTrustOf } from '../artifact/artifact-trust';
import { loadCustomRouter } from '../artifact/custom-router.loader';
import type { CustomRouter } from '../artifact/custom-router.types';
import { MlArtifactConfig } from '../artifact/ml-artifact.config';
import {
  RouterArtifactService,
  type RouterArtifactStatus,
  type RouterHandle,
} from '../artifact/router-artifact.service';
import { decisionRuleFor } from '../decision/decision-rules';
import type { DecisionRule, LoadedRouter } from '../ml.types';
import { CustomRouterHolder } from './custom-router.holder';
import { CustomRouterStrategy, type CustomRouterSource } from './custom-router.strategy';
import { modelInfoProblems } from './deployment-facts';
import type { LearnedRouterSource } from './learned-router.source';
import { NO_ROUTER_VERSION } from './learned-router.strategy';
import {
  artifactSettingsOf,
  learnedArgsProblems,
  type ArtifactSettings,
} from './learned-routing.args';
import {
  artifactOutcome,
  customOutcome,
  type MlReloadOutcome,
  type MlStrategyInfo,
} from './learned-routing.status';
import { llmrouterStrategies } from './llmrouter.strategies';
import { PromptEmbeddings } from './prompt-embeddings';

const CUSTOM = 'llmrouter-custom';

interface Bound {
  readonly settings: ArtifactSettings;
  readonly handle: RouterHandle;
}

/**
 * Learned (ML) routing in the gateway: registers the `llmrouter-*` strategies, keeps the router
 * artifact of `routing_strategy_args.model_path` loaded through `RouterArtifactService` (and the
 * custom router module of LLMROUTER_CUSTOM_ROUTERS_PATH), follows config changes, and reports
 * and reloads them (`GET /router/info`, `POST /router/reload`).
 */
@Injectable()
export class MlRoutingService
  implements LearnedRouterSource, CustomRouterSource, OnModuleInit, OnModuleDestroy
{
  private readonly logger = new Logger('MlRouting');
  private readonly custom: CustomRouterHolder | undefined;
  /** Prompt embeddings through the config's own embedding deployments (remote featurizers). */
  readonly embeddings: PromptEmbeddings;
  private bound: Bound | undefined;
  /** The previous model path's handle, serving until the new path has a router. */
  private retiring: Bound | undefined;
  private customModule: string | undefined;
  private customBound = false;

  constructor(
    private readonly store: ConfigStore,
    registry: StrategyRegistryService,
    private readonly artifacts: RouterArtifactService,
    private readonly config: MlArtifactConfig,
    models: ModelRegistryService,
    health: DeploymentHealthService,
  ) {
    this.embeddings = new PromptEmbeddings((group) => {
      const able = models.find(group)?.byCapability.get('embedding');
      const now = Date.now();
      return able?.filter((deployment) => health.availability(deployment, now) === 'eligible');
    });
    // Registered before any onModuleInit, so the config and the boot weights may name them.
    for (const strategy of llmrouterStrategies(this, decisionRuleFor)) registry.register(strategy);
    registry.register(new CustomRouterStrategy(this, customRule));
    const path = config.customRoutersPath;
    if (path !== undefined) {
      this.custom = new CustomRouterHolder(
        path,
        () => this.loadCustom(path),
        (reason) => this.logger.warn(`custom router ${path} not loaded: ${reason}`),
      );
    }
  }

  onModuleInit(): void {
    this.store.register({ name: 'learned-routing', prepare: (config) => this.prepare(config) });
  }

  onModuleDestroy(): void {
    this.retiring?.handle.release();
    this.bound?.handle.release();
  }

  router(): LoadedRouter | undefined {
    const current = this.bound?.handle.current;
    if (current && this.retiring) {
      this.retiring.handle.release();
      this.retiring = undefined;
    }
    return current ?? this.retiring?.handle.current;
  }

  unavailableReason(): string {
    if (!this.bound) return 'routing_strategy_args.model_path is not set';
    const error = this.statusOf(this.bound)?.last_error;
    return error === undefined
      ? 'the router artifact is not loaded yet'
      : `the router artifact did not load: ${error}`;
  }

  customRouter(): CustomRouter | undefined {
    return this.custom?.current;
  }

  customUnavailableReason(): string {
    if (!this.custom) return 'LLMROUTER_CUSTOM_ROUTERS_PATH is not set';
    const error = this.custom.status().last_error;
    return error === undefined
      ? 'the custom router is not loaded yet'
      : `the custom router did not load: ${error}`;
  }

  /** Loads every router artifact and the custom router again; a failure keeps the old one. */
  async reload(): Promise<MlReloadOutcome[]> {
    const [artifacts] = await Promise.all([this.artifacts.reloadAll(), this.custom?.reload()]);
    const outcomes = artifacts.map(artifactOutcome);
    if (this.custom) outcomes.push(customOutcome(this.custom.status()));
    return outcomes;
  }

  /** What `GET /router/info` shows of each learned strategy among `names`. */
  strategyInfo(names: readonly string[]): MlStrategyInfo[] {
    return names.flatMap((name) => (name.startsWith('llmrouter-') ? [this.infoOf(name)] : []));
  }

  private infoOf(name: string): MlStrategyInfo {
    if (name === CUSTOM) {
      const status = this.custom?.status();
      return {
        name,
        version: status?.version ?? NO_ROUTER_VERSION,
        model_path: status?.path ?? null,
        loaded_at: status?.loaded_at ?? null,
        last_error: status?.last_error ?? null,
        hot_reload: false,
      };
    }
    const modelFree = name === 'llmrouter-smallest' || name === 'llmrouter-largest';
    const status = modelFree || !this.bound ? undefined : this.statusOf(this.bound);
    return {
      name,
      version: modelFree ? '1' : (this.router()?.version ?? NO_ROUTER_VERSION),
      model_path: modelFree ? null : (this.bound?.settings.modelPath ?? null),
      loaded_at: status?.loaded_at ?? null,
      last_error: status?.last_error ?? null,
      hot_reload: status?.hot_reload ?? false,
    };
  }

  private prepare(config: GatewayConfig): PreparedConfigChange {
    const args = config.routerSettings.routing_strategy_args;
    const problems = [...learnedArgsProblems(args), ...modelInfoProblems(config.modelList)];
    if (problems.length > 0) return { problems, commit: noop };
    const settings = artifactSettingsOf(args, config.sourcePath);
    const module = typeof args.custom_router === 'string' ? args.custom_router : undefined;
    return {
      problems,
      commit: () => {
        this.bind(settings);
        this.bindCustom(module);
      },
    };
  }

  /** Follows `model_path`: the new path is acquired, the old one serves until it has a router. */
  private bind(settings: ArtifactSettings | undefined): void {
    const bound = this.bound;
    if (sameSettings(bound?.settings, settings)) return;
    let next: Bound | undefined;
    try {
      next = settings && {
        settings,
        handle: this.artifacts.acquire(settings.modelPath, {
          hotReload: settings.hotReload,
          ...(settings.reloadIntervalSeconds !== undefined && {
            reloadIntervalSeconds: settings.reloadIntervalSeconds,
          }),
        }),
      };
    } catch (error) {
      // Validated at prepare; a commit must not throw, so the old router stays.
      this.logger.error(`router artifact ${settings?.modelPath} not acquired: ${String(error)}`);
      return;
    }
    this.retiring?.handle.release();
    this.retiring = next && bound?.handle.current ? bound : undefined;
    if (bound && bound !== this.retiring) bound.handle.release();
    this.bound = next;
  }

  private bindCustom(module: string | undefined): void {
    if (!this.custom || (this.customBound && module === this.customModule)) return;
    this.customBound = true;
    this.customModule = module;
    void this.custom.reload();
  }

  private loadCustom(path: string): Promise<CustomRouter> {
    const module = this.customModule;
    return loadCustomRouter(path, artifactTrustOf(this.config), module ? { module } : {});
  }

  private statusOf(bound: Bound): RouterArtifactStatus | undefined {
    return this.artifacts.statuses().find((status) => status.path === bound.handle.path);
  }
}

/** A custom module that predicts qualities is decided like the model routers: argmax. */
function customRule(name: string): DecisionRule {
  return decisionRuleFor(name === CUSTOM ? 'llmrouter-knn' : name);
}

function sameSettings(a: ArtifactSettings | undefined, b: ArtifactSettings | undefined): boolean {
  return (
    a?.modelPath === b?.modelPath &&
    a?.hotReload === b?.hotReload &&
    a?.reloadIntervalSeconds === b?.reloadIntervalSeconds
  );
}

function noop(): void {}
