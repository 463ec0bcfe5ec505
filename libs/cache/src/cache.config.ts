import type { Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { envBoolean, validateEnv } from '@routeiq/config';
import { IsBoolean, IsInt, IsNumber, IsString, Max, Min } from 'class-validator';

/** Largest answer stored (serialised JSON): bigger ones are not cached, to protect Redis. */
export const CACHE_MAX_ENTRY_BYTES = 1024 * 1024;

/** The response cache's settings (also the DI token). */
export class CacheConfig {
  /** `CACHE_ENABLED` (false). */
  @IsBoolean({ message: 'must be true or false' })
  enabled!: boolean;

  /** `CACHE_TTL_SECONDS` (3600): how long an entry lives unless the request asks for less. */
  @IsInt({ message: 'must be a positive integer number of seconds' })
  @Min(1, { message: 'must be a positive integer number of seconds' })
  @Max(31_536_000, { message: 'must be at most one year (31536000)' })
  ttlSeconds!: number;

  /** `CACHE_MAX_TEMPERATURE` (0): hotter requests are not cached unless the client forces it. */
  @IsNumber({}, { message: 'must be a number between 0 and 2' })
  @Min(0, { message: 'must be a number between 0 and 2' })
  @Max(2, { message: 'must be a number between 0 and 2' })
  maxTemperature!: number;

  /** `CACHE_LOCAL_MAX_ENTRIES` (1000): the in-process LRU's capacity. */
  @IsInt({ message: 'must be an integer between 1 and 1000000' })
  @Min(1, { message: 'must be an integer between 1 and 1000000' })
  @Max(1_000_000, { message: 'must be an integer between 1 and 1000000' })
  localMaxEntries!: number;

  /** `CACHE_REDIS_ENABLED` (true): the shared tier, used only when Redis is configured. */
  @IsBoolean({ message: 'must be true or false' })
  redisEnabled!: boolean;

  /** `CACHE_SEMANTIC_ENABLED` (false). */
  @IsBoolean({ message: 'must be true or false' })
  semanticEnabled!: boolean;

  /** `CACHE_SEMANTIC_THRESHOLD` (0.95): cosine similarity a semantic hit needs. */
  @IsNumber({}, { message: 'must be a number in (0, 1]' })
  @Min(0.000001, { message: 'must be a number in (0, 1]' })
  @Max(1, { message: 'must be a number in (0, 1]' })
  semanticThreshold!: number;

  /** `CACHE_SEMANTIC_EMBEDDING_MODEL` (empty: the built-in hashed term vectors). */
  @IsString()
  semanticEmbeddingModel!: string;

  /**
   * `CACHE_SEMANTIC_MAX_PROMPTS_PER_SCOPE` (128): prompts indexed per semantic scope, in each
   * replica and in Redis (the oldest added go first); a lookup compares against all of them.
   */
  @IsInt({ message: 'must be an integer between 1 and 10000' })
  @Min(1, { message: 'must be an integer between 1 and 10000' })
  @Max(10_000, { message: 'must be an integer between 1 and 10000' })
  semanticMaxPromptsPerScope!: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** A number, or the text as it is when it is not one (so validation names it). */
function envNumber(value: string | undefined, fallback: number): number | string {
  const text = value?.trim();
  if (text === undefined || text === '') return fallback;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : text;
}

/** @throws ConfigValidationError naming every bad `CACHE_*` variable. */
export function resolveCacheConfig(env: Env): CacheConfig {
  return validateEnv(
    CacheConfig,
    {
      enabled: envBoolean(env.CACHE_ENABLED, false),
      ttlSeconds: envNumber(env.CACHE_TTL_SECONDS, 3600),
      maxTemperature: envNumber(env.CACHE_MAX_TEMPERATURE, 0),
      localMaxEntries: envNumber(env.CACHE_LOCAL_MAX_ENTRIES, 1000),
      redisEnabled: envBoolean(env.CACHE_REDIS_ENABLED, true),
      semanticEnabled: envBoolean(env.CACHE_SEMANTIC_ENABLED, false),
      semanticThreshold: envNumber(env.CACHE_SEMANTIC_THRESHOLD, 0.95),
      semanticEmbeddingModel: env.CACHE_SEMANTIC_EMBEDDING_MODEL?.trim() ?? '',
      semanticMaxPromptsPerScope: envNumber(env.CACHE_SEMANTIC_MAX_PROMPTS_PER_SCOPE, 128),
    },
    {
      enabled: 'CACHE_ENABLED',
      ttlSeconds: 'CACHE_TTL_SECONDS',
      maxTemperature: 'CACHE_MAX_TEMPERATURE',
      localMaxEntries: 'CACHE_LOCAL_MAX_ENTRIES',
      redisEnabled: 'CACHE_REDIS_ENABLED',
      semanticEnabled: 'CACHE_SEMANTIC_ENABLED',
      semanticThreshold: 'CACHE_SEMANTIC_THRESHOLD',
      semanticEmbeddingModel: 'CACHE_SEMANTIC_EMBEDDING_MODEL',
      semanticMaxPromptsPerScope: 'CACHE_SEMANTIC_MAX_PROMPTS_PER_SCOPE',
    },
  );
}

export const cacheConfig = registerAs('cache', () => resolveCacheConfig(process.env));

export const cacheConfigProvider: Provider = {
  provide: CacheConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<CacheConfig>('cache'),
  inject: [ConfigService],
};
