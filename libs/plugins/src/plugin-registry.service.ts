import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  PLUGIN_HOOKS,
  callsHook,
  refusedCapabilities,
  type PluginHookName,
} from './plugin-capabilities';
import { loadExternalPlugins, type LoadedPlugin } from './plugin-module.loader';
import { dependencyProblems, orderPlugins } from './plugin-order';
import { pluginProblems } from './plugin-shape';
import { PluginSlot } from './plugin-slot';
import { GUARDRAIL_PLUGINS, type GatewayPlugin } from './plugin.types';
import { PluginBootError } from './plugins.exception';
import { PluginsConfig } from './plugins.config';

export type HookTable = Readonly<Record<PluginHookName, readonly PluginSlot[]>>;

const EMPTY_TABLE: HookTable = Object.fromEntries(PLUGIN_HOOKS.map((h) => [h, []])) as never;
const REQUEST_HOOKS: readonly PluginHookName[] = [
  'onRequest',
  'onLlmPreCall',
  'onLlmSuccess',
  'onLlmFailure',
  'onStreamChunk',
  'onStreamEnd',
];

/**
 * Loads the plugins at boot (built-in guardrails, then `LLMROUTER_PLUGINS`), checks them against
 * the allowlist and the capability policy, orders them, runs their `startup()`, and keeps, per
 * hook, the plugins the pipeline calls. Any refusal fails start-up naming the plugin.
 */
@Injectable()
export class PluginRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Plugins');
  private slotList: readonly PluginSlot[] = [];
  private table: HookTable = EMPTY_TABLE;
  private requestPath = false;

  constructor(
    private readonly config: PluginsConfig,
    @Optional() @Inject(GUARDRAIL_PLUGINS) private readonly builtins: readonly GatewayPlugin[] = [],
  ) {}

  get slots(): readonly PluginSlot[] {
    return this.slotList;
  }

  get hooks(): HookTable {
    return this.table;
  }

  /** True when some plugin has a request-path hook; the request path skips plugins otherwise. */
  get onRequestPath(): boolean {
    return this.requestPath;
  }

  async onModuleInit(): Promise<void> {
    const ordered = this.load();
    const slots = ordered.map((loaded, i) => new PluginSlot(loaded, this.config.failureMode, i));
    this.slotList = slots;
    await this.start(slots);
    const table = {} as Record<PluginHookName, PluginSlot[]>;
    for (const hook of PLUGIN_HOOKS) {
      table[hook] = slots.filter((slot) => callsHook(slot.plugin, slot.capabilities, hook));
      for (const slot of table[hook]) slot.stats[hook] = { calls: 0, errors: 0 };
    }
    this.table = table;
    this.requestPath = REQUEST_HOOKS.some((hook) => table[hook].length > 0);
    if (slots.length > 0) {
      this.logger.log(`plugins: ${slots.map((s) => `${s.name} (${s.status})`).join(', ')}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const slot of [...this.slotList].reverse()) {
      if (!slot.started || slot.plugin.shutdown === undefined) continue;
      try {
        await this.bounded(() => slot.plugin.shutdown!(), 'shutdown');
      } catch (error) {
        this.logger.warn(`plugin "${slot.name}" shutdown failed: ${String(error)}`);
      }
    }
  }

  /** Every plugin checked and ordered; @throws PluginBootError listing every problem. */
  private load(): LoadedPlugin[] {
    const problems: string[] = [];
    const builtins: LoadedPlugin[] = [];
    for (const plugin of this.builtins) {
      const shape = pluginProblems(plugin);
      if (shape.length > 0) problems.push(`built-in plugin: ${shape.join('; ')}`);
      else builtins.push({ plugin, source: 'builtin' });
    }
    const external = this.externals(problems);
    const all = [...builtins, ...external];
    for (const { plugin, module } of all) {
      const refused = refusedCapabilities(plugin, this.config.allowedCapabilities);
      if (refused.length === 0) continue;
      const from = module === undefined ? 'built-in' : `from "${module}"`;
      problems.push(
        `plugin "${plugin.name}" (${from}) declares ${refused.join(', ')}, not allowed by LLMROUTER_PLUGINS_ALLOWED_CAPABILITIES`,
      );
    }
    problems.push(...dependencyProblems(all));
    if (problems.length > 0) throw new PluginBootError(problems);
    const ordered = orderPlugins(all);
    if ('cycle' in ordered) {
      throw new PluginBootError([`dependency cycle between plugins: ${ordered.cycle.join(' → ')}`]);
    }
    return ordered.order;
  }

  private externals(problems: string[]): LoadedPlugin[] {
    const { modules, allowlist } = this.config;
    if (modules.length === 0) return [];
    if (allowlist.length === 0) {
      problems.push(
        'LLMROUTER_PLUGINS is set but LLMROUTER_PLUGINS_ALLOWLIST is empty: list every plugin to load',
      );
      return [];
    }
    const result = loadExternalPlugins(modules, allowlist, process.cwd());
    problems.push(...result.problems);
    return result.loaded;
  }

  /** `startup()` in order; a dependency that is not running counts as a failed start. */
  private async start(slots: readonly PluginSlot[]): Promise<void> {
    const byName = new Map(slots.map((slot) => [slot.name, slot]));
    for (const slot of slots) {
      try {
        const down = (slot.plugin.dependsOn ?? []).filter((name) => !byName.get(name)?.active);
        if (down.length > 0) throw new Error(`dependency ${down.join(', ')} is not running`);
        if (slot.plugin.startup) await this.bounded(() => slot.plugin.startup!(), 'startup');
        slot.started = true;
      } catch (error) {
        await this.startFailed(slot, error);
      }
    }
  }

  private async startFailed(slot: PluginSlot, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    slot.lastError = `startup: ${reason}`;
    if (slot.failureMode === 'abort') {
      // Boot stops here: the plugins already started get their shutdown.
      await this.onApplicationShutdown();
      throw new PluginBootError([`plugin "${slot.name}" failed to start: ${reason}`]);
    }
    slot.status = slot.failureMode === 'quarantine' ? 'quarantined' : 'failed';
    this.logger.error(`plugin "${slot.name}" failed to start (${slot.status}): ${reason}`);
  }

  private async bounded(run: () => Promise<void> | void, what: string): Promise<void> {
    const seconds = this.config.startupTimeoutSeconds;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not finish within ${seconds} s`)),
        seconds * 1000,
      );
    });
    try {
      await Promise.race([Promise.resolve().then(run), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
