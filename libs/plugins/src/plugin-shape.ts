import { PLUGIN_CAPABILITIES, PLUGIN_FAILURE_MODES, PLUGIN_HOOKS } from './plugin-capabilities';
import type { GatewayPlugin } from './plugin.types';

const LIFECYCLE = ['startup', 'shutdown'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

function fieldProblems(candidate: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const { name, version, capabilities, dependsOn, priority, failureMode } = candidate;
  if (typeof name !== 'string' || name.trim() === '')
    problems.push('"name" must be a non-empty string');
  if (version !== undefined && typeof version !== 'string')
    problems.push('"version" must be a string');
  if (!isStringList(capabilities)) {
    problems.push('"capabilities" must be an array of strings');
  } else {
    const unknown = capabilities.filter((c) => !(PLUGIN_CAPABILITIES as string[]).includes(c));
    if (unknown.length > 0) {
      problems.push(
        `unknown capabilities ${unknown.join(', ')} (known: ${PLUGIN_CAPABILITIES.join(', ')})`,
      );
    }
  }
  if (dependsOn !== undefined && !isStringList(dependsOn)) {
    problems.push('"dependsOn" must be an array of plugin names');
  }
  if (priority !== undefined && !(typeof priority === 'number' && Number.isFinite(priority))) {
    problems.push('"priority" must be a finite number');
  }
  if (failureMode !== undefined && !(PLUGIN_FAILURE_MODES as unknown[]).includes(failureMode)) {
    problems.push(`"failureMode" must be one of ${PLUGIN_FAILURE_MODES.join(', ')}`);
  }
  return problems;
}

/**
 * What is wrong with a value offered as a GatewayPlugin (empty: it is one). Hooks are looked up
 * on the object and its prototype, so class instances qualify.
 */
export function pluginProblems(candidate: unknown): string[] {
  if (!isRecord(candidate)) return ['is not a plugin object (no default or `plugin` export)'];
  const problems = fieldProblems(candidate);
  for (const hook of [...PLUGIN_HOOKS, ...LIFECYCLE]) {
    const value = candidate[hook];
    if (value !== undefined && typeof value !== 'function') {
      problems.push(`"${hook}" must be a function`);
    }
  }
  return problems;
}

/** The plugin a module offers: its default export, else its `plugin` export, else the module. */
export function pluginOfModule(exported: unknown): unknown {
  const mod = exported as { default?: unknown; plugin?: unknown } | null | undefined;
  const candidate = mod?.default ?? mod?.plugin ?? mod;
  if (typeof candidate !== 'function') return candidate;
  const PluginClass = candidate as new () => unknown;
  return new PluginClass();
}

export function isGatewayPlugin(candidate: unknown): candidate is GatewayPlugin {
  return pluginProblems(candidate).length === 0;
}
