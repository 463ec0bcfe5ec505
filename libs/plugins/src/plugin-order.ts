import type { LoadedPlugin } from './plugin-module.loader';

const DEFAULT_PRIORITY = 1000;

export function priorityOf(loaded: LoadedPlugin): number {
  return loaded.plugin.priority ?? DEFAULT_PRIORITY;
}

/** Duplicate names and dependencies on plugins that are not loaded. */
export function dependencyProblems(plugins: readonly LoadedPlugin[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const { plugin } of plugins) {
    if (names.has(plugin.name)) problems.push(`two plugins are named "${plugin.name}"`);
    names.add(plugin.name);
  }
  for (const { plugin } of plugins) {
    const missing = (plugin.dependsOn ?? []).filter((name) => !names.has(name));
    if (missing.length > 0) {
      problems.push(
        `plugin "${plugin.name}" depends on ${missing.map((m) => `"${m}"`).join(', ')}, which is not loaded`,
      );
    }
  }
  return problems;
}

/**
 * Dependencies first, then lower priority, then load order (built-ins, then `LLMROUTER_PLUGINS`
 * order). Returns the order, or the plugins on a dependency cycle. Assumes `dependencyProblems`
 * found nothing.
 */
export function orderPlugins(
  plugins: readonly LoadedPlugin[],
): { order: LoadedPlugin[] } | { cycle: string[] } {
  const waitingOn = new Map(plugins.map((p) => [p.plugin.name, new Set(p.plugin.dependsOn ?? [])]));
  const pending = [...plugins];
  const order: LoadedPlugin[] = [];
  while (pending.length > 0) {
    let best = -1;
    for (let i = 0; i < pending.length; i++) {
      if (waitingOn.get(pending[i]!.plugin.name)!.size > 0) continue;
      if (best < 0 || priorityOf(pending[i]!) < priorityOf(pending[best]!)) best = i;
    }
    if (best < 0) return { cycle: findCycle(pending) };
    const [next] = pending.splice(best, 1);
    order.push(next!);
    for (const deps of waitingOn.values()) deps.delete(next!.plugin.name);
  }
  return { order };
}

/** One cycle among plugins that all still wait on something: `a → b → a`. */
function findCycle(stuck: readonly LoadedPlugin[]): string[] {
  const byName = new Map(stuck.map((p) => [p.plugin.name, p.plugin]));
  const path: string[] = [];
  let current = stuck[0]!.plugin;
  while (!path.includes(current.name)) {
    path.push(current.name);
    const next = (current.dependsOn ?? []).find((name) => byName.has(name));
    if (next === undefined) break;
    current = byName.get(next)!;
  }
  return [...path.slice(path.indexOf(current.name)), current.name];
}
