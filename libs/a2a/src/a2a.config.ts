import type { Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { envBoolean, validateEnv } from '@routeiq/config';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Matches,
  Min,
  ValidateIf,
} from 'class-validator';

const POSITIVE = 'must be a positive integer (got $value)';

/** The A2A gateway's switches and limits (also the DI token). */
export class A2aConfig {
  /** `A2A_GATEWAY_ENABLED`, default false: every A2A route answers 404 `a2a_gateway_disabled`. */
  @IsBoolean({ message: 'must be true or false' })
  enabled!: boolean;

  /**
   * `A2A_BASE_URL`: the gateway's public base URL used in rewritten agent cards (e.g.
   * `https://gateway.example.com`); unset means the request's own scheme and Host.
   */
  @IsOptional()
  @IsString()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'must be an http(s) base URL' })
  baseUrl?: string;

  /** `A2A_REQUEST_TIMEOUT_MS`, default 300000: per upstream call unless the agent sets its own. */
  @IsInt({ message: POSITIVE })
  @Min(1, { message: POSITIVE })
  @Max(3_600_000, { message: 'must be at most 3600000 (got $value)' })
  requestTimeoutMs!: number;

  /** `A2A_TASK_TTL_SECONDS`, default 86400: how long the gateway remembers who owns a task. */
  @IsInt({ message: POSITIVE })
  @Min(60, { message: 'must be at least 60 (got $value)' })
  @Max(2_592_000, { message: 'must be at most 2592000 (got $value)' })
  taskTtlSeconds!: number;

  /**
   * `A2A_CARD_REFRESH_SECONDS`, default 3600: how often each enabled agent's card is fetched again
   * (60–604800); 0 turns the scheduled refresh off.
   */
  @IsInt({ message: 'must be 0 or a whole number of seconds (got $value)' })
  @ValidateIf((config: A2aConfig) => config.cardRefreshSeconds !== 0)
  @Min(60, { message: 'must be 0 (off) or at least 60 (got $value)' })
  @Max(604_800, { message: 'must be at most 604800 (got $value)' })
  cardRefreshSeconds!: number;
}

function integer(text: string | undefined, fallback: number): number | string {
  const value = text?.trim();
  if (!value) return fallback;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** @throws ConfigValidationError naming every bad variable. */
export function resolveA2aConfig(env: Readonly<Record<string, string | undefined>>): A2aConfig {
  return validateEnv(
    A2aConfig,
    {
      enabled: envBoolean(env.A2A_GATEWAY_ENABLED, false),
      baseUrl: env.A2A_BASE_URL?.trim().replace(/\/+$/, '') || undefined,
      requestTimeoutMs: integer(env.A2A_REQUEST_TIMEOUT_MS, 300_000),
      taskTtlSeconds: integer(env.A2A_TASK_TTL_SECONDS, 86_400),
      cardRefreshSeconds: integer(env.A2A_CARD_REFRESH_SECONDS, 3600),
    },
    {
      enabled: 'A2A_GATEWAY_ENABLED',
      baseUrl: 'A2A_BASE_URL',
      requestTimeoutMs: 'A2A_REQUEST_TIMEOUT_MS',
      taskTtlSeconds: 'A2A_TASK_TTL_SECONDS',
      cardRefreshSeconds: 'A2A_CARD_REFRESH_SECONDS',
    },
  );
}

export const a2aConfig = registerAs('a2a', () => resolveA2aConfig(process.env));

export const a2aConfigProvider: Provider = {
  provide: A2aConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<A2aConfig>('a2a'),
  inject: [ConfigService],
};
