import { ConfigValidationError } from '../config-validation.error';
import { s3ConfigSourceFromEnv } from './s3-config.config';

function problemsOf(env: Record<string, string>): Array<{ path: string; message: string }> {
  try {
    s3ConfigSourceFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems.map((p) => ({ ...p }));
  }
  throw new Error('expected a ConfigValidationError');
}

describe(s3ConfigSourceFromEnv.name, () => {
  it('is off by default, with a 60 s interval, hot reload on and virtual-host addressing', () => {
    const config = s3ConfigSourceFromEnv({});
    expect(config.enabled).toBe(false);
    expect(config).toMatchObject({
      syncIntervalSeconds: 60,
      hotReload: true,
      forcePathStyle: false,
    });
  });

  it('reads the bucket, key, interval and flags (blank counts as unset)', () => {
    const config = s3ConfigSourceFromEnv({
      CONFIG_S3_BUCKET: ' configs ',
      CONFIG_S3_KEY: 'gateway/prod.yaml',
      CONFIG_SYNC_INTERVAL: '5',
      CONFIG_HOT_RELOAD: 'false',
      CONFIG_S3_FORCE_PATH_STYLE: '1',
    });
    expect(config.enabled).toBe(true);
    expect(config).toMatchObject({
      bucket: 'configs',
      key: 'gateway/prod.yaml',
      syncIntervalSeconds: 5,
      hotReload: false,
      forcePathStyle: true,
    });
    expect(s3ConfigSourceFromEnv({ CONFIG_S3_BUCKET: ' ', CONFIG_S3_KEY: '' }).enabled).toBe(false);
  });

  it.each([
    [{ CONFIG_S3_BUCKET: 'configs' }, 'CONFIG_S3_KEY'],
    [{ CONFIG_S3_KEY: 'config.yaml' }, 'CONFIG_S3_BUCKET'],
  ])('refuses only one of bucket and key, naming both variables (%j)', (env, missing) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(missing);
    expect(problems[0]!.message).toMatch(/CONFIG_S3_BUCKET.*CONFIG_S3_KEY/);
  });

  it('names every bad variable', () => {
    const problems = problemsOf({
      CONFIG_SYNC_INTERVAL: '0.5',
      CONFIG_HOT_RELOAD: 'sometimes',
      CONFIG_S3_FORCE_PATH_STYLE: 'maybe',
    });
    expect(problems.map((p) => p.path).sort()).toEqual([
      'CONFIG_HOT_RELOAD',
      'CONFIG_S3_FORCE_PATH_STYLE',
      'CONFIG_SYNC_INTERVAL',
    ]);
    expect(problemsOf({ CONFIG_SYNC_INTERVAL: '0' })[0]!.message).toMatch(/>= 1/);
    expect(problemsOf({ CONFIG_SYNC_INTERVAL: 'often' })[0]!.message).toMatch(/"often"/);
  });
});
