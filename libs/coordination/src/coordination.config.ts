import { registerAs } from '@nestjs/config';
import { validateEnv } from '@routeiq/config';
import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';

export const DEFAULT_REDIS_KEY_PREFIX = 'routeiq:';

/** The Redis variables as set in the environment, validated at boot. */
export class RedisEnvironment {
  @IsOptional()
  @Matches(/^rediss?:\/\//i, { message: 'must be a redis:// or rediss:// URL' })
  url?: string;

  @IsOptional()
  @Matches(/^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])$/, { message: 'must be a host name or IP' })
  host?: string;

  @IsInt({ message: 'must be an integer port' })
  @Min(1)
  @Max(65535)
  port!: number;

  @IsOptional()
  @IsString()
  password?: string;

  @IsString()
  @MinLength(1)
  keyPrefix!: string;
}

/** Coordination settings (also the DI token). Redis is configured iff `redisUrl` is set. */
export class CoordinationConfig {
  /** Connection URL (may hold a password: log `describeRedis()` instead). */
  readonly redisUrl?: string;
  /** Prefix of every Redis key and channel. */
  readonly keyPrefix: string;

  constructor(init: { readonly redisUrl?: string; readonly keyPrefix?: string }) {
    this.redisUrl = init.redisUrl;
    this.keyPrefix = init.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads `REDIS_URL`, or `REDIS_HOST` + `REDIS_PORT` (default 6379) + `REDIS_PASSWORD`, and
 * `REDIS_KEY_PREFIX` (default `routeiq:`). Throws ConfigValidationError naming bad variables.
 */
export function coordinationConfigFromEnv(env: Environment): CoordinationConfig {
  const blankToUndefined = (value: string | undefined) => (value?.trim() ? value : undefined);
  const portText = blankToUndefined(env.REDIS_PORT);
  const raw = validateEnv(
    RedisEnvironment,
    {
      url: blankToUndefined(env.REDIS_URL),
      host: blankToUndefined(env.REDIS_HOST),
      port: portText === undefined ? 6379 : Number(portText),
      password: blankToUndefined(env.REDIS_PASSWORD),
      keyPrefix: env.REDIS_KEY_PREFIX ?? DEFAULT_REDIS_KEY_PREFIX,
    },
    {
      url: 'REDIS_URL',
      host: 'REDIS_HOST',
      port: 'REDIS_PORT',
      password: 'REDIS_PASSWORD',
      keyPrefix: 'REDIS_KEY_PREFIX',
    },
  );
  return new CoordinationConfig({ redisUrl: redisUrlOf(raw), keyPrefix: raw.keyPrefix });
}

function redisUrlOf(raw: RedisEnvironment): string | undefined {
  if (raw.url) return raw.url;
  if (!raw.host) return undefined;
  // ioredis percent-decodes the password it reads from the URL.
  const auth = raw.password ? `:${encodeURIComponent(raw.password)}@` : '';
  return `redis://${auth}${raw.host}:${raw.port}`;
}

/** A log-safe description of the Redis target: `redis://host:port/db`, never the password. */
export function describeRedis(config: CoordinationConfig): string {
  if (!config.redisUrl) return 'in-memory';
  try {
    const url = new URL(config.redisUrl);
    const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
    const db = url.pathname.length > 1 ? url.pathname : '';
    return `${url.protocol}//${user}${url.hostname}:${url.port || '6379'}${db}`;
  } catch {
    return 'redis://[unparseable url]';
  }
}

export const coordinationConfig = registerAs('coordination', () =>
  coordinationConfigFromEnv(process.env),
);
