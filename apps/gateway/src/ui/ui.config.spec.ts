import { ConfigValidationError } from '@routeiq/config';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defaultUiDir, resolveUiConfig } from './ui.config';

describe(resolveUiConfig.name, () => {
  it('is on by default and serves <install>/dist/ui', () => {
    const config = resolveUiConfig({});
    expect(config.enabled).toBe(true);
    expect(config.dir).toBe(defaultUiDir());
    expect(existsSync(join(dirname(config.dir), '..', 'package.json'))).toBe(true);
  });

  it('reads ROUTEIQ_UI_ENABLED and ROUTEIQ_UI_DIR', () => {
    const config = resolveUiConfig({
      ROUTEIQ_UI_ENABLED: 'false',
      ROUTEIQ_UI_DIR: 'build/console',
    });
    expect(config.enabled).toBe(false);
    expect(config.dir).toBe(resolve('build/console'));
  });

  it('refuses a value that is not a boolean, naming the variable', () => {
    expect(() => resolveUiConfig({ ROUTEIQ_UI_ENABLED: 'maybe' })).toThrow(ConfigValidationError);
    expect(() => resolveUiConfig({ ROUTEIQ_UI_ENABLED: 'maybe' })).toThrow(/ROUTEIQ_UI_ENABLED/);
  });
});

describe(defaultUiDir.name, () => {
  it('finds the install root from the bundle directory', () => {
    const root = resolve(__dirname, '../../../..');
    expect(defaultUiDir(join(root, 'dist', 'apps', 'gateway'))).toBe(join(root, 'dist', 'ui'));
  });
});
