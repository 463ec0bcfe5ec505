import { ConfigValidationError } from '@routeiq/config';
import { PLUGIN_CAPABILITIES } from './plugin-capabilities';
import { resolvePluginsConfig } from './plugins.config';

describe(resolvePluginsConfig.name, () => {
  it('defaults to no external plugins, every capability, continue and 30 s', () => {
    expect(resolvePluginsConfig({})).toEqual({
      modules: [],
      allowlist: [],
      allowedCapabilities: [...PLUGIN_CAPABILITIES],
      failureMode: 'continue',
      startupTimeoutSeconds: 30,
    });
  });

  it('reads the comma-separated lists, the mode and the timeout', () => {
    const config = resolvePluginsConfig({
      LLMROUTER_PLUGINS: ' ./a.js, ./b.js ,,./a.js',
      LLMROUTER_PLUGINS_ALLOWLIST: './a.js,b-plugin',
      LLMROUTER_PLUGINS_ALLOWED_CAPABILITIES: 'observe,guardrail',
      LLMROUTER_PLUGINS_FAILURE_MODE: 'Quarantine',
      LLMROUTER_PLUGIN_STARTUP_TIMEOUT: '2.5',
    });
    expect(config.modules).toEqual(['./a.js', './b.js']);
    expect(config.allowlist).toEqual(['./a.js', 'b-plugin']);
    expect(config.allowedCapabilities).toEqual(['observe', 'guardrail']);
    expect(config.failureMode).toBe('quarantine');
    expect(config.startupTimeoutSeconds).toBe(2.5);
  });

  it('fails naming every bad variable', () => {
    let error: unknown;
    try {
      resolvePluginsConfig({
        LLMROUTER_PLUGINS_ALLOWED_CAPABILITIES: 'observe,teleport',
        LLMROUTER_PLUGINS_FAILURE_MODE: 'explode',
        LLMROUTER_PLUGIN_STARTUP_TIMEOUT: 'soon',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const message = (error as Error).message;
    expect(message).toContain('LLMROUTER_PLUGINS_ALLOWED_CAPABILITIES');
    expect(message).toContain('LLMROUTER_PLUGINS_FAILURE_MODE');
    expect(message).toContain('LLMROUTER_PLUGIN_STARTUP_TIMEOUT');
  });

  it('refuses a zero timeout', () => {
    expect(() => resolvePluginsConfig({ LLMROUTER_PLUGIN_STARTUP_TIMEOUT: '0' })).toThrow(
      /LLMROUTER_PLUGIN_STARTUP_TIMEOUT/,
    );
  });
});
