import { ConfigValidationError } from './config-validation.error';
import { resolveServerConfig, trustedProxyList } from './server.config';

describe(resolveServerConfig.name, () => {
  const cwd = '/srv/gateway';

  function problemsOf(env: Record<string, string>, flags = {}): unknown {
    try {
      resolveServerConfig(env, flags, cwd);
    } catch (error) {
      if (error instanceof ConfigValidationError) return error.problems;
      throw error;
    }
    throw new Error('expected the server config to be rejected');
  }

  it('uses defaults when nothing is set', () => {
    expect({ ...resolveServerConfig({}, {}, cwd) }).toEqual({
      configPath: '/srv/gateway/config/config.yaml',
      port: 4000,
      host: '0.0.0.0',
      dataDir: '/srv/gateway/data',
      drainTimeoutSeconds: 30,
      logLevel: 'info',
      logQueries: false,
      trustedProxies: [],
    });
    expect(trustedProxyList(resolveServerConfig({}, {}, cwd))).toBeUndefined();
  });

  it('reads ROUTEIQ_TRUSTED_PROXIES as addresses and CIDR ranges to check peers against', () => {
    const config = resolveServerConfig(
      { ROUTEIQ_TRUSTED_PROXIES: ' 10.0.0.0/8, ::1 ,, 192.168.1.7' },
      {},
      cwd,
    );
    expect(config.trustedProxies).toEqual(['10.0.0.0/8', '::1', '192.168.1.7']);
    const list = trustedProxyList(config)!;
    expect(list.check('10.200.3.4', 'ipv4')).toBe(true);
    expect(list.check('::1', 'ipv6')).toBe(true);
    expect(list.check('192.168.1.8', 'ipv4')).toBe(false);
    expect(problemsOf({ ROUTEIQ_TRUSTED_PROXIES: '10.0.0.0/8, nginx, 10.0.0.0/33' })).toEqual([
      {
        path: 'ROUTEIQ_TRUSTED_PROXIES',
        message:
          'must be a comma-separated list of IP addresses and CIDR ranges (not: "nginx", "10.0.0.0/33")',
      },
    ]);
  });

  it('applies flags > LITELLM_* > CONFIG_FILE_PATH > default', () => {
    const env = {
      LITELLM_CONFIG_PATH: 'litellm.yaml',
      CONFIG_FILE_PATH: '/etc/legacy.yaml',
      LITELLM_PORT: '5000',
      LITELLM_HOST: '127.0.0.1',
    };
    const fromEnv = resolveServerConfig(env, {}, cwd);
    expect([fromEnv.configPath, fromEnv.port, fromEnv.host]).toEqual([
      '/srv/gateway/litellm.yaml',
      5000,
      '127.0.0.1',
    ]);
    const fromFlags = resolveServerConfig(
      env,
      { config: 'flag.yaml', port: 6000, host: '::' },
      cwd,
    );
    expect([fromFlags.configPath, fromFlags.port, fromFlags.host]).toEqual([
      '/srv/gateway/flag.yaml',
      6000,
      '::',
    ]);
    expect(resolveServerConfig({ CONFIG_FILE_PATH: '/etc/legacy.yaml' }, {}, cwd).configPath).toBe(
      '/etc/legacy.yaml',
    );
  });

  it('reads the remaining variables and maps LiteLLM log names', () => {
    const config = resolveServerConfig(
      {
        ROUTEIQ_DATA_DIR: '/var/lib/routeiq',
        ROUTEIQ_DRAIN_TIMEOUT_SECONDS: '2.5',
        LITELLM_LOG: 'WARNING',
        LOG_QUERIES: '1',
      },
      {},
      cwd,
    );
    expect([
      config.dataDir,
      config.drainTimeoutSeconds,
      config.logLevel,
      config.logQueries,
    ]).toEqual(['/var/lib/routeiq', 2.5, 'warn', true]);
    expect(resolveServerConfig({ LITELLM_LOG: 'critical' }, {}, cwd).logLevel).toBe('fatal');
    expect(resolveServerConfig({ LITELLM_LOG: 'DEBUG' }, {}, cwd).logLevel).toBe('debug');
    expect(resolveServerConfig({ LOG_QUERIES: 'false' }, {}, cwd).logQueries).toBe(false);
  });

  it('names every bad variable with its value', () => {
    expect(
      problemsOf({
        LITELLM_PORT: 'abc',
        LITELLM_LOG: 'verbose',
        LOG_QUERIES: 'yes',
        ROUTEIQ_DRAIN_TIMEOUT_SECONDS: '-1',
      }),
    ).toEqual([
      { path: 'LITELLM_PORT', message: 'must be an integer between 1 and 65535 (got "abc")' },
      { path: 'ROUTEIQ_DRAIN_TIMEOUT_SECONDS', message: 'must be a number >= 0 (got -1)' },
      {
        path: 'LITELLM_LOG',
        message:
          'must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL (or trace, warn, fatal) (got "verbose")',
      },
      { path: 'LOG_QUERIES', message: 'must be true, false, 1 or 0 (got "yes")' },
    ]);
  });

  it('names the flag when a flag carried the bad value', () => {
    expect(problemsOf({ LITELLM_PORT: '5000' }, { port: 70000 })).toEqual([
      { path: '--port', message: 'must be an integer between 1 and 65535 (got 70000)' },
    ]);
    expect(() => resolveServerConfig({ LITELLM_PORT: '0' }, {}, cwd)).toThrow(
      'Invalid configuration in environment:\n  - LITELLM_PORT: must be an integer between 1 and 65535 (got 0)',
    );
  });
});
