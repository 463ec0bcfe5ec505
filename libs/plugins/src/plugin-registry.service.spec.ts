import { Logger } from '@nestjs/common';
import { rmSync } from 'node:fs';
import { bootPlugins, writePluginModules } from './__fixtures__/test-plugins';
import { PluginRegistry } from './plugin-registry.service';
import type { GatewayPlugin } from './plugin.types';
import { PluginBootError } from './plugins.exception';

const observer = (name: string, extra: Partial<GatewayPlugin> = {}): GatewayPlugin => ({
  name,
  capabilities: ['observe'],
  onRequest: () => undefined,
  ...extra,
});

async function bootError(
  builtins: readonly GatewayPlugin[],
  env: Record<string, string> = {},
): Promise<Error> {
  try {
    await bootPlugins(builtins, env);
  } catch (error) {
    return error as Error;
  }
  throw new Error('boot succeeded');
}

describe(PluginRegistry.name, () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  describe('ordering', () => {
    it('orders by priority (lower first), then load order', async () => {
      const { registry } = await bootPlugins([
        observer('late', { priority: 2000 }),
        observer('default-a'),
        observer('early', { priority: 10 }),
        observer('default-b'),
      ]);
      expect(registry.slots.map((s) => s.name)).toEqual([
        'early',
        'default-a',
        'default-b',
        'late',
      ]);
    });

    it('runs dependencies before dependents whatever their priority', async () => {
      const { registry } = await bootPlugins([
        observer('dependent', { priority: 1, dependsOn: ['base'] }),
        observer('base', { priority: 5000 }),
        observer('other', { priority: 100 }),
      ]);
      expect(registry.slots.map((s) => s.name)).toEqual(['other', 'base', 'dependent']);
    });

    it('fails boot on a dependency cycle, naming the plugins on it', async () => {
      const error = await bootError([
        observer('a', { dependsOn: ['b'] }),
        observer('b', { dependsOn: ['c'] }),
        observer('c', { dependsOn: ['a'] }),
        observer('free'),
      ]);
      expect(error).toBeInstanceOf(PluginBootError);
      expect(error.message).toMatch(/dependency cycle between plugins: (a|b|c) → .* → \1/);
      expect(error.message).not.toContain('free');
    });

    it('fails boot on a missing dependency and on duplicate names', async () => {
      const error = await bootError([
        observer('needy', { dependsOn: ['ghost'] }),
        observer('twin'),
        observer('twin'),
      ]);
      expect(error.message).toContain('plugin "needy" depends on "ghost", which is not loaded');
      expect(error.message).toContain('two plugins are named "twin"');
    });
  });

  describe('capability policy', () => {
    it('refuses at boot a plugin declaring a capability that is not allowed', async () => {
      const error = await bootError(
        [observer('watcher'), { name: 'rewriter', capabilities: ['observe', 'modify_request'] }],
        { LLMROUTER_PLUGINS_ALLOWED_CAPABILITIES: 'observe,guardrail' },
      );
      expect(error).toBeInstanceOf(PluginBootError);
      expect(error.message).toContain(
        'plugin "rewriter" (built-in) declares modify_request, not allowed by LLMROUTER_PLUGINS_ALLOWED_CAPABILITIES',
      );
      expect(error.message).not.toContain('watcher');
    });

    it('refuses an unknown capability and a malformed plugin', async () => {
      const error = await bootError([
        { name: 'odd', capabilities: ['telepathy' as never] },
        { name: '', capabilities: ['observe'], onRequest: 'yes' as never },
      ]);
      expect(error.message).toContain('unknown capabilities telepathy');
      expect(error.message).toContain('"name" must be a non-empty string');
      expect(error.message).toContain('"onRequest" must be a function');
    });

    it('lists only the hooks a declared capability allows', async () => {
      const hooks = {
        onRequest: () => undefined,
        onLlmPreCall: () => undefined,
        onStreamChunk: () => undefined,
      };
      const { registry } = await bootPlugins([
        { name: 'observer', capabilities: ['observe'], ...hooks },
        { name: 'editor', capabilities: ['modify_request', 'modify_response'], ...hooks },
      ]);
      const names = (hook: keyof typeof registry.hooks): string[] =>
        registry.hooks[hook].map((slot) => slot.name);
      expect(names('onRequest')).toEqual(['observer']);
      expect(names('onLlmPreCall')).toEqual(['editor']);
      expect(names('onStreamChunk')).toEqual(['editor']);
      expect(registry.onRequestPath).toBe(true);
    });
  });

  describe('external plugins', () => {
    const modules = writePluginModules({
      'default-export.js':
        "exports.default = { name: 'ext-default', capabilities: ['observe'], onRequest() {} };",
      'named-export.js':
        "exports.plugin = { name: 'ext-named', version: '2.0.0', capabilities: ['observe'] };",
      'class-export.js':
        "module.exports = class { constructor() { this.name = 'ext-class'; this.capabilities = ['observe']; } onRequest() {} };",
      'broken.js': "throw new Error('cannot load me');",
      'not-a-plugin.js': 'module.exports = { hello: 1 };',
    });
    afterAll(() => rmSync(modules.dir, { recursive: true, force: true }));
    const { paths } = modules;

    it('loads default, named and class exports when every path is allowlisted', async () => {
      const list = [
        paths['default-export.js']!,
        paths['named-export.js']!,
        paths['class-export.js']!,
      ];
      const { registry } = await bootPlugins([observer('builtin')], {
        LLMROUTER_PLUGINS: list.join(','),
        LLMROUTER_PLUGINS_ALLOWLIST: list.join(','),
      });
      expect(registry.slots.map((s) => [s.name, s.loaded.source])).toEqual([
        ['builtin', 'builtin'],
        ['ext-default', 'external'],
        ['ext-named', 'external'],
        ['ext-class', 'external'],
      ]);
    });

    it('matches the allowlist by plugin name too', async () => {
      const { registry } = await bootPlugins([], {
        LLMROUTER_PLUGINS: paths['named-export.js']!,
        LLMROUTER_PLUGINS_ALLOWLIST: 'ext-named',
      });
      expect(registry.slots.map((s) => s.name)).toEqual(['ext-named']);
    });

    it('refuses every plugin when the allowlist is empty (fail closed)', async () => {
      const error = await bootError([], { LLMROUTER_PLUGINS: paths['default-export.js']! });
      expect(error.message).toContain('LLMROUTER_PLUGINS_ALLOWLIST is empty');
    });

    it('refuses an entry the allowlist does not name, by path or by name', async () => {
      const byPath = await bootError([], {
        LLMROUTER_PLUGINS: `${paths['default-export.js']},${paths['named-export.js']}`,
        LLMROUTER_PLUGINS_ALLOWLIST: paths['default-export.js']!,
      });
      expect(byPath.message).toContain(
        `LLMROUTER_PLUGINS entry "${paths['named-export.js']}": not in LLMROUTER_PLUGINS_ALLOWLIST`,
      );
      const byName = await bootError([], {
        LLMROUTER_PLUGINS: paths['named-export.js']!,
        LLMROUTER_PLUGINS_ALLOWLIST: 'someone-else',
      });
      expect(byName.message).toContain('(plugin "ext-named"): not in LLMROUTER_PLUGINS_ALLOWLIST');
    });

    it('names modules that cannot be resolved, loaded, or are no plugin', async () => {
      const entries = ['./does-not-exist.js', paths['broken.js']!, paths['not-a-plugin.js']!];
      const error = await bootError([], {
        LLMROUTER_PLUGINS: entries.join(','),
        LLMROUTER_PLUGINS_ALLOWLIST: entries.join(','),
      });
      expect(error.message).toContain('"./does-not-exist.js": cannot be resolved');
      expect(error.message).toContain('failed to load: cannot load me');
      expect(error.message).toContain('"capabilities" must be an array of strings');
    });
  });

  describe('startup', () => {
    const hanging = (name: string, failureMode?: GatewayPlugin['failureMode']): GatewayPlugin =>
      observer(name, { failureMode, startup: () => new Promise<void>(() => undefined) });

    it('bounds startup() by LLMROUTER_PLUGIN_STARTUP_TIMEOUT; continue marks the plugin failed', async () => {
      const { registry } = await bootPlugins([hanging('slow'), observer('fine')], {
        LLMROUTER_PLUGIN_STARTUP_TIMEOUT: '0.05',
      });
      const [slow, fine] = registry.slots;
      expect(slow!.status).toBe('failed');
      expect(slow!.lastError).toBe('startup: startup did not finish within 0.05 s');
      expect(fine!.status).toBe('active');
      expect(registry.hooks.onRequest.map((s) => s.name)).toEqual(['slow', 'fine']);
    });

    it('quarantines a plugin whose startup throws in quarantine mode', async () => {
      const { registry } = await bootPlugins([
        observer('bad', {
          failureMode: 'quarantine',
          startup: () => {
            throw new Error('no license');
          },
        }),
      ]);
      expect(registry.slots[0]!.status).toBe('quarantined');
      expect(registry.slots[0]!.lastError).toBe('startup: no license');
    });

    it('fails boot in abort mode, after shutting down the plugins already started', async () => {
      const shutdown = jest.fn();
      const error = await bootError([observer('first', { shutdown }), hanging('stuck')], {
        LLMROUTER_PLUGINS_FAILURE_MODE: 'abort',
        LLMROUTER_PLUGIN_STARTUP_TIMEOUT: '0.05',
      });
      expect(error).toBeInstanceOf(PluginBootError);
      expect(error.message).toContain('plugin "stuck" failed to start: startup did not finish');
      expect(shutdown).toHaveBeenCalledTimes(1);
    });

    it('does not start a plugin whose dependency is not running', async () => {
      const started = jest.fn();
      const { registry } = await bootPlugins([
        observer('base', {
          startup: () => Promise.reject(new Error('down')),
        }),
        observer('child', { dependsOn: ['base'], startup: started }),
      ]);
      expect(registry.slots.map((s) => s.status)).toEqual(['failed', 'failed']);
      expect(registry.slots[1]!.lastError).toBe('startup: dependency base is not running');
      expect(started).not.toHaveBeenCalled();
    });

    it('shuts plugins down in reverse order', async () => {
      const order: string[] = [];
      const { registry } = await bootPlugins([
        observer('a', { shutdown: () => void order.push('a') }),
        observer('b', { shutdown: () => void order.push('b') }),
      ]);
      await registry.onApplicationShutdown();
      expect(order).toEqual(['b', 'a']);
    });
  });
});
