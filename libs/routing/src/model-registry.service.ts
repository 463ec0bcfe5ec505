import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  ConfigStore,
  DEFAULT_ROUTER_SETTINGS,
  type ConfigProblem,
  type GatewayConfig,
  type PreparedConfigChange,
  type RouterSettings,
} from '@routeiq/config';
import { ProviderRegistry, type ResolvedDeployment } from '@routeiq/providers';
import { routerAliasOf, routerAliasProblems } from './ml/strategy/learned-routing.args';
import { buildModelGroup, buildRouterAliasGroup, type ModelGroup } from './model-group';

/** Default whole-request deadline when neither the deployment nor the router sets one. */
const DEFAULT_TIMEOUT_SECONDS = 600;

interface ModelTable {
  readonly groups: ReadonlyMap<string, ModelGroup>;
  readonly aliases: ReadonlyMap<string, string>;
  readonly settings: RouterSettings;
}

/**
 * The model groups of the current config, resolved against the providers. Rebuilt off to the side
 * on every config (re)load and swapped in one assignment, so a request sees either the old table
 * or the new one, never a mix.
 */
@Injectable()
export class ModelRegistryService implements OnModuleInit {
  private table: ModelTable = {
    groups: new Map(),
    aliases: new Map(),
    settings: DEFAULT_ROUTER_SETTINGS,
  };

  constructor(
    private readonly store: ConfigStore,
    private readonly providers: ProviderRegistry,
  ) {}

  onModuleInit(): void {
    this.store.register({ name: 'model-registry', prepare: (config) => this.prepare(config) });
  }

  /** Looks a requested model up by group name, then by `model_group_alias`. */
  find(model: string): ModelGroup | undefined {
    const { groups, aliases } = this.table;
    const group = groups.get(model);
    if (group) return group;
    const target = aliases.get(model);
    return target === undefined ? undefined : groups.get(target);
  }

  groups(): readonly ModelGroup[] {
    return [...this.table.groups.values()];
  }

  aliases(): ReadonlyMap<string, string> {
    return this.table.aliases;
  }

  /** The configured default strategy (the strategy registry may run others). */
  get strategy(): string {
    return this.table.settings.routing_strategy;
  }

  /** `router_settings` of the config in force. */
  get settings(): RouterSettings {
    return this.table.settings;
  }

  private prepare(config: GatewayConfig): PreparedConfigChange {
    const problems: ConfigProblem[] = [];
    const byGroup = new Map<string, ResolvedDeployment[]>();
    const timeoutSeconds = defaultTimeoutSeconds(config);
    config.modelList.forEach((deployment, index) => {
      const resolved = this.providers.resolve(deployment, config.environment, {
        timeoutMs: timeoutSeconds * 1000,
        dropParams: config.litellmSettings.drop_params === true,
      });
      if (Array.isArray(resolved)) {
        for (const problem of resolved) {
          problems.push({ path: `model_list[${index}].${problem.path}`, message: problem.message });
        }
        return;
      }
      const members = byGroup.get(deployment.modelName) ?? [];
      members.push(resolved);
      byGroup.set(deployment.modelName, members);
    });
    const created = Math.floor(Date.now() / 1000);
    const groups = new Map<string, ModelGroup>();
    for (const [name, members] of byGroup)
      groups.set(name, buildModelGroup(name, members, created));
    problems.push(...addRouterAlias(config, groups, created));
    const table: ModelTable = {
      groups,
      aliases: new Map(Object.entries(config.routerSettings.model_group_alias)),
      settings: config.routerSettings,
    };
    return { problems, commit: () => (this.table = table) };
  }
}

/**
 * The router alias of `routing_strategy_args.candidates`, listed and routed like a group. Its
 * candidates must be groups of `model_list`, and its name no group's or alias's.
 */
function addRouterAlias(
  config: GatewayConfig,
  groups: Map<string, ModelGroup>,
  created: number,
): ConfigProblem[] {
  const alias = routerAliasOf(config.routerSettings.routing_strategy_args);
  if (!alias) return [];
  const groupAliases = new Set(Object.keys(config.routerSettings.model_group_alias));
  const names = new Set(config.modelList.map((deployment) => deployment.modelName));
  const problems = routerAliasProblems(alias, names, groupAliases);
  if (problems.length === 0) {
    groups.set(alias.alias, buildRouterAliasGroup(alias.alias, alias.candidates, groups, created));
  }
  return problems;
}

function defaultTimeoutSeconds(config: GatewayConfig): number {
  const fromLitellm = config.litellmSettings.request_timeout;
  return (
    config.routerSettings.timeout ??
    (typeof fromLitellm === 'number' && fromLitellm > 0 ? fromLitellm : DEFAULT_TIMEOUT_SECONDS)
  );
}
