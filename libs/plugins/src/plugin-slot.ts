import type { PluginHookName } from './plugin-capabilities';
import type { LoadedPlugin } from './plugin-module.loader';
import { priorityOf } from './plugin-order';
import type { GatewayPlugin, PluginCapability, PluginFailureMode } from './plugin.types';

/** `failed`: start-up failed (mode continue) or a dependency is not running; never called. */
export type PluginStatus = 'active' | 'quarantined' | 'failed';

export interface HookStats {
  calls: number;
  errors: number;
}

/** One loaded plugin with its runtime state; the pipeline skips it unless `active`. */
export class PluginSlot {
  status: PluginStatus = 'active';
  lastError: string | undefined;
  /** Set once `startup()` completed, so `shutdown()` is only called on those. */
  started = false;
  readonly name: string;
  readonly plugin: GatewayPlugin;
  readonly capabilities: ReadonlySet<PluginCapability>;
  readonly failureMode: PluginFailureMode;
  readonly priority: number;
  readonly stats: Partial<Record<PluginHookName, HookStats>> = {};
  /** Warnings already logged (capability misuse), so each is logged once. */
  readonly warned = new Set<string>();

  constructor(
    readonly loaded: LoadedPlugin,
    defaultMode: PluginFailureMode,
    /** Position in the pipeline's order. */
    readonly order: number,
  ) {
    this.plugin = loaded.plugin;
    this.name = loaded.plugin.name;
    this.capabilities = new Set(loaded.plugin.capabilities);
    this.failureMode = loaded.plugin.failureMode ?? defaultMode;
    this.priority = priorityOf(loaded);
  }

  get active(): boolean {
    return this.status === 'active';
  }

  can(capability: PluginCapability): boolean {
    return this.capabilities.has(capability);
  }

  /** Counts a call of `hook` (its stats entry exists for every hook the pipeline calls). */
  called(hook: PluginHookName): void {
    this.stats[hook]!.calls += 1;
  }
}
