import type { Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { validateEnv, envBoolean } from '@routeiq/config';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';

const THIRTY_DAYS_SECONDS = 30 * 24 * 3600;
const ONE_YEAR_SECONDS = 365 * 24 * 3600;

/** Storage of Responses API answers (`previous_response_id`, `GET /v1/responses/{id}`). */
export class ResponsesConfig {
  /** `ROUTEIQ_RESPONSES_STORE`, default true: like OpenAI, kept unless the request says `store: false`. */
  @IsBoolean({ message: 'must be true or false' })
  store!: boolean;

  /** `ROUTEIQ_RESPONSES_TTL_SECONDS`, default 30 days (OpenAI's retention). */
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(60)
  @Max(ONE_YEAR_SECONDS)
  ttlSeconds!: number;
}

function parseInteger(value: string | undefined, fallback: number): number | string {
  if (value === undefined || value.trim() === '') return fallback;
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
}

export function resolveResponsesConfig(
  env: Readonly<Record<string, string | undefined>>,
): ResponsesConfig {
  return validateEnv(
    ResponsesConfig,
    {
      store: envBoolean(env.ROUTEIQ_RESPONSES_STORE, true),
      ttlSeconds: parseInteger(env.ROUTEIQ_RESPONSES_TTL_SECONDS, THIRTY_DAYS_SECONDS),
    },
    { store: 'ROUTEIQ_RESPONSES_STORE', ttlSeconds: 'ROUTEIQ_RESPONSES_TTL_SECONDS' },
  );
}

export const responsesConfig = registerAs('responses', () => resolveResponsesConfig(process.env));

export const responsesConfigProvider: Provider = {
  provide: ResponsesConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<ResponsesConfig>('responses'),
  inject: [ConfigService],
};
