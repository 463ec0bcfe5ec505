import { ConfigValidationError } from '@routeiq/config';
import { Redis } from 'ioredis';
import { coordinationConfigFromEnv, describeRedis } from './coordination.config';
import { redisConnectionOptions } from './redis-connections';

describe(coordinationConfigFromEnv.name, () => {
  it('leaves Redis off without REDIS_URL or REDIS_HOST', () => {
    expect(coordinationConfigFromEnv({ REDIS_PORT: '6380', REDIS_PASSWORD: 'x' })).toEqual({
      redisUrl: undefined,
      keyPrefix: 'routeiq:',
    });
  });

  it('prefers REDIS_URL and honours REDIS_KEY_PREFIX', () => {
    const config = coordinationConfigFromEnv({
      REDIS_URL: 'redis://cache:6390/2',
      REDIS_HOST: 'other',
      REDIS_KEY_PREFIX: 'gw1:',
    });
    expect(config).toEqual({ redisUrl: 'redis://cache:6390/2', keyPrefix: 'gw1:' });
  });

  it('builds the URL from REDIS_HOST, REDIS_PORT and REDIS_PASSWORD', () => {
    const config = coordinationConfigFromEnv({
      REDIS_HOST: 'redis.internal',
      REDIS_PORT: '6390',
      REDIS_PASSWORD: 'p@ss:/w rd%',
    });
    const client = new Redis(config.redisUrl!, {
      ...redisConnectionOptions('command'),
      lazyConnect: true,
    });
    try {
      expect(client.options).toMatchObject({
        host: 'redis.internal',
        port: 6390,
        password: 'p@ss:/w rd%',
      });
    } finally {
      client.disconnect();
    }
  });

  it('defaults REDIS_PORT to 6379', () => {
    expect(coordinationConfigFromEnv({ REDIS_HOST: 'cache' }).redisUrl).toBe('redis://cache:6379');
  });

  it('names every bad variable', () => {
    let caught: unknown;
    try {
      coordinationConfigFromEnv({ REDIS_URL: 'http://cache', REDIS_PORT: 'abc' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const paths = (caught as ConfigValidationError).problems.map((p) => p.path).sort();
    expect(paths).toEqual(['REDIS_PORT', 'REDIS_URL']);
  });
});

describe(describeRedis.name, () => {
  it('never includes the password', () => {
    const config = coordinationConfigFromEnv({ REDIS_HOST: 'cache', REDIS_PASSWORD: 's3cret!' });
    expect(describeRedis(config)).toBe('redis://cache:6379');
    expect(
      describeRedis({ redisUrl: 'rediss://app:s3cret@cache.example:6380/1', keyPrefix: 'x:' }),
    ).toBe('rediss://app@cache.example:6380/1');
  });
});
