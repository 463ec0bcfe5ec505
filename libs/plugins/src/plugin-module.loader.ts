import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pluginOfModule, pluginProblems } from './plugin-shape';
import type { GatewayPlugin } from './plugin.types';

/** A plugin and where it came from. */
export interface LoadedPlugin {
  readonly plugin: GatewayPlugin;
  readonly source: 'builtin' | 'external';
  /** The `LLMROUTER_PLUGINS` entry of an external plugin. */
  readonly module?: string;
}

export interface ExternalPluginsResult {
  readonly loaded: LoadedPlugin[];
  readonly problems: string[];
}

function isPathLike(entry: string): boolean {
  return entry.startsWith('.') || isAbsolute(entry) || entry.includes('/') || entry.includes('\\');
}

/**
 * Loads the `LLMROUTER_PLUGINS` modules (CommonJS, resolved from `cwd` like `require` from a file
 * there, so paths and installed packages both work). Every entry must match the allowlist: by
 * the entry as written, by its resolved file, or by the plugin's name (which only a loaded module
 * can tell, so a name entry lets the module run before it is checked).
 */
export function loadExternalPlugins(
  modules: readonly string[],
  allowlist: readonly string[],
  cwd: string,
): ExternalPluginsResult {
  const requireHere = createRequire(join(cwd, 'routeiq-plugins.js'));
  const allowedPaths = new Set(allowlist.filter(isPathLike).map((entry) => resolve(cwd, entry)));
  const allowedNames = new Set(allowlist);
  const nameEntries = allowlist.some((entry) => !isPathLike(entry));
  const loaded: LoadedPlugin[] = [];
  const problems: string[] = [];
  for (const entry of modules) {
    const label = `LLMROUTER_PLUGINS entry "${entry}"`;
    let file: string;
    try {
      file = requireHere.resolve(entry);
    } catch {
      problems.push(`${label}: cannot be resolved from ${cwd}`);
      continue;
    }
    const pathAllowed = allowedNames.has(entry) || allowedPaths.has(file);
    if (!pathAllowed && !nameEntries) {
      problems.push(`${label}: not in LLMROUTER_PLUGINS_ALLOWLIST`);
      continue;
    }
    const result = loadOne(requireHere, file, label);
    if (typeof result === 'string') {
      problems.push(result);
      continue;
    }
    if (!pathAllowed && !allowedNames.has(result.name)) {
      problems.push(`${label} (plugin "${result.name}"): not in LLMROUTER_PLUGINS_ALLOWLIST`);
      continue;
    }
    loaded.push({ plugin: result, source: 'external', module: entry });
  }
  return { loaded, problems };
}

function loadOne(requireHere: NodeJS.Require, file: string, label: string): GatewayPlugin | string {
  let candidate: unknown;
  try {
    candidate = pluginOfModule(requireHere(file));
  } catch (error) {
    return `${label}: failed to load: ${error instanceof Error ? error.message : String(error)}`;
  }
  const problems = pluginProblems(candidate);
  if (problems.length > 0) return `${label}: ${problems.join('; ')}`;
  return candidate as GatewayPlugin;
}
