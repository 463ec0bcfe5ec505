import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginPipeline } from '../plugin-pipeline.service';
import { PluginRegistry } from '../plugin-registry.service';
import type { GatewayPlugin, PluginRequestContext } from '../plugin.types';
import { resolvePluginsConfig } from '../plugins.config';

/** A registry and pipeline over `builtins`, booted like the module does (env as given). */
export async function bootPlugins(
  builtins: readonly GatewayPlugin[],
  env: Record<string, string> = {},
): Promise<{ registry: PluginRegistry; pipeline: PluginPipeline }> {
  const registry = new PluginRegistry(resolvePluginsConfig(env), builtins);
  await registry.onModuleInit();
  return { registry, pipeline: new PluginPipeline(registry) };
}

export function testContext(request: Record<string, unknown> = {}): PluginRequestContext {
  return {
    requestId: 'req-1',
    endpoint: 'chat',
    stream: false,
    caller: undefined,
    request,
    responseHeaders: {},
    state: new Map(),
    signal: new AbortController().signal,
  };
}

/** Writes CommonJS plugin modules into a fresh directory; returns their absolute paths by name. */
export function writePluginModules(files: Record<string, string>): {
  dir: string;
  paths: Record<string, string>;
} {
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-plugins-'));
  const paths: Record<string, string> = {};
  for (const [name, source] of Object.entries(files)) {
    paths[name] = join(dir, name);
    writeFileSync(paths[name], source);
  }
  return { dir, paths };
}
