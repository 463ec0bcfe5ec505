import { type Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import {
  ConfigValidationError,
  validateEnv,
  type ConfigProblem,
  envBoolean,
} from '@routeiq/config';
import { IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';
import { parseQuotaRules } from './quota-rules.parser';
import type { QuotaRule } from './quota.types';

export const QUOTA_FAIL_MODES = ['open', 'closed'] as const;
export type QuotaFailMode = (typeof QUOTA_FAIL_MODES)[number];

export const DEFAULT_QUOTA_OUTPUT_TOKENS = 256;
export const DEFAULT_QUOTA_REDIS_TIMEOUT_MS = 250;

const OUTPUT_TOKENS_RULE = 'must be an integer >= 0 (got $value)';
const TIMEOUT_RULE = 'must be an integer number of milliseconds from 1 to 10000 (got $value)';

/**
 * Quota settings (also the DI token):
 * - `ROUTEIQ_QUOTA_ENABLED` (default true): false turns off every quota, key/team limits included.
 *   With no rules and no key/team limits a request costs nothing, so the default is harmless.
 * - `ROUTEIQ_QUOTA_LIMITS_JSON`: rules for the request's main subject (see `parseQuotaRules`).
 * - `ROUTEIQ_QUOTA_DEFAULT_OUTPUT_TOKENS` (default 256): output tokens reserved when the request
 *   sets no `max_tokens`; reconciled with actual usage afterwards.
 * - `ROUTEIQ_QUOTA_FAIL_MODE` (default closed): when counter storage is unreachable, `closed`
 *   answers 503 `quota_storage_unavailable`, `open` admits the request and logs a warning.
 * - `ROUTEIQ_QUOTA_REDIS_TIMEOUT_MS` (default 250): bound of each counter call on the request path.
 */
export class QuotaConfig {
  @IsBoolean({ message: 'must be true or false' })
  enabled!: boolean;

  rules!: readonly QuotaRule[];

  @IsInt({ message: OUTPUT_TOKENS_RULE })
  @Min(0, { message: OUTPUT_TOKENS_RULE })
  defaultOutputTokens!: number;

  @IsIn(QUOTA_FAIL_MODES, { message: 'must be open or closed' })
  failMode!: QuotaFailMode;

  @IsInt({ message: TIMEOUT_RULE })
  @Min(1, { message: TIMEOUT_RULE })
  @Max(10_000, { message: TIMEOUT_RULE })
  redisTimeoutMs!: number;
}

type Environment = Readonly<Record<string, string | undefined>>;

function read(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function toNumber(value: string | undefined, fallback: number): number | string {
  if (value === undefined) return fallback;
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

/** @throws ConfigValidationError naming every bad variable and every bad rule entry. */
export function resolveQuotaConfig(env: Environment): QuotaConfig {
  const problems: ConfigProblem[] = [];
  const rules = parseQuotaRules(env.ROUTEIQ_QUOTA_LIMITS_JSON, problems);
  let config: QuotaConfig | undefined;
  try {
    config = validateEnv(
      QuotaConfig,
      {
        enabled: envBoolean(read(env, 'ROUTEIQ_QUOTA_ENABLED'), true),
        rules,
        defaultOutputTokens: toNumber(
          read(env, 'ROUTEIQ_QUOTA_DEFAULT_OUTPUT_TOKENS'),
          DEFAULT_QUOTA_OUTPUT_TOKENS,
        ),
        failMode: read(env, 'ROUTEIQ_QUOTA_FAIL_MODE')?.toLowerCase() ?? 'closed',
        redisTimeoutMs: toNumber(
          read(env, 'ROUTEIQ_QUOTA_REDIS_TIMEOUT_MS'),
          DEFAULT_QUOTA_REDIS_TIMEOUT_MS,
        ),
      },
      {
        enabled: 'ROUTEIQ_QUOTA_ENABLED',
        defaultOutputTokens: 'ROUTEIQ_QUOTA_DEFAULT_OUTPUT_TOKENS',
        failMode: 'ROUTEIQ_QUOTA_FAIL_MODE',
        redisTimeoutMs: 'ROUTEIQ_QUOTA_REDIS_TIMEOUT_MS',
      },
    );
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    problems.unshift(...error.problems);
  }
  if (!config || problems.length > 0) throw new ConfigValidationError(problems, 'environment');
  return config;
}

export const quotaConfig = registerAs('quota', () => resolveQuotaConfig(process.env));

export const quotaConfigProvider: Provider = {
  provide: QuotaConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<QuotaConfig>('quota'),
  inject: [ConfigService],
};
