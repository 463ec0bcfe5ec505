import { ConfigValidationError } from '@routeiq/config';
import { resolvePolicyConfig } from './policy.config';

describe(resolvePolicyConfig.name, () => {
  it('is disabled and fails closed by default', () => {
    expect(resolvePolicyConfig({})).toEqual({
      enabled: false,
      configPath: undefined,
      failMode: 'closed',
    });
  });

  it('reads the variables and resolves a relative path against cwd', () => {
    expect(
      resolvePolicyConfig(
        {
          POLICY_ENGINE_ENABLED: 'TRUE',
          POLICY_CONFIG_PATH: 'config/policy.yaml',
          POLICY_ENGINE_FAIL_MODE: 'Open',
        },
        '/srv/routeiq',
      ),
    ).toEqual({ enabled: true, configPath: '/srv/routeiq/config/policy.yaml', failMode: 'open' });
  });

  it('names every bad variable', () => {
    const error = captureError(() =>
      resolvePolicyConfig({ POLICY_ENGINE_ENABLED: 'maybe', POLICY_ENGINE_FAIL_MODE: 'ajar' }),
    );
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems).toEqual([
      { path: 'POLICY_ENGINE_ENABLED', message: 'must be true or false' },
      { path: 'POLICY_ENGINE_FAIL_MODE', message: 'must be closed or open' },
    ]);
  });

  it('requires POLICY_CONFIG_PATH only when enabled', () => {
    expect(() => resolvePolicyConfig({ POLICY_ENGINE_ENABLED: 'true' })).toThrow(
      'POLICY_CONFIG_PATH: is required when POLICY_ENGINE_ENABLED=true',
    );
    expect(resolvePolicyConfig({ POLICY_ENGINE_ENABLED: 'false' }).enabled).toBe(false);
  });
});

function captureError(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
