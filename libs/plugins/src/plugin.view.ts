import type { HookStats, PluginSlot, PluginStatus } from './plugin-slot';
import type { PluginCapability, PluginFailureMode } from './plugin.types';

/** One plugin in `GET /admin/plugins`. */
export interface PluginView {
  name: string;
  version: string | null;
  source: 'builtin' | 'external';
  module: string | null;
  capabilities: PluginCapability[];
  priority: number;
  depends_on: string[];
  failure_mode: PluginFailureMode;
  status: PluginStatus;
  /** Per hook the pipeline calls: calls and errors since start. */
  hooks: Record<string, HookStats>;
  last_error: string | null;
}

export interface PluginsView {
  plugins: PluginView[];
}

export function pluginsView(slots: readonly PluginSlot[]): PluginsView {
  return {
    plugins: slots.map((slot) => ({
      name: slot.name,
      version: slot.plugin.version ?? null,
      source: slot.loaded.source,
      module: slot.loaded.module ?? null,
      capabilities: [...slot.plugin.capabilities],
      priority: slot.priority,
      depends_on: [...(slot.plugin.dependsOn ?? [])],
      failure_mode: slot.failureMode,
      status: slot.status,
      hooks: Object.fromEntries(
        Object.entries(slot.stats).map(([hook, stats]) => [hook, { ...stats }]),
      ),
      last_error: slot.lastError ?? null,
    })),
  };
}
