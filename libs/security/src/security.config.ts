import { Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { validateEnv, envBoolean } from '@routeiq/config';
import { IsArray, IsBoolean, IsOptional, IsString, MinLength } from 'class-validator';

/** Credentials of the user and control planes, from the seed's environment variables. */
export class SecurityConfig {
  /** `LITELLM_MASTER_KEY`; wins over `general_settings.master_key`. */
  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  masterKey?: string;

  /** `ADMIN_API_KEYS` (comma-separated) plus the legacy `ADMIN_API_KEY`. */
  @IsArray()
  @IsString({ each: true })
  @MinLength(8, { each: true, message: 'each admin key must be at least 8 characters' })
  adminApiKeys!: string[];

  /** `ADMIN_AUTH_ENABLED`, default true (fail closed). */
  @IsBoolean({ message: 'must be true or false' })
  adminAuthEnabled!: boolean;

  /** `METRICS_PUBLIC`, default false: `GET /metrics` needs a user key unless it is true. */
  @IsBoolean({ message: 'must be true or false' })
  metricsPublic!: boolean;
}

function splitKeys(...values: Array<string | undefined>): string[] {
  const keys = values.flatMap((value) => (value ?? '').split(','));
  return [...new Set(keys.map((key) => key.trim()).filter((key) => key.length > 0))];
}

export function resolveSecurityConfig(
  env: Readonly<Record<string, string | undefined>>,
): SecurityConfig {
  return validateEnv(
    SecurityConfig,
    {
      masterKey: env.LITELLM_MASTER_KEY?.trim() || undefined,
      adminApiKeys: splitKeys(env.ADMIN_API_KEYS, env.ADMIN_API_KEY),
      adminAuthEnabled: envBoolean(env.ADMIN_AUTH_ENABLED, true),
      metricsPublic: envBoolean(env.METRICS_PUBLIC, false),
    },
    {
      masterKey: 'LITELLM_MASTER_KEY',
      adminApiKeys: 'ADMIN_API_KEYS',
      adminAuthEnabled: 'ADMIN_AUTH_ENABLED',
      metricsPublic: 'METRICS_PUBLIC',
    },
  );
}

export const securityConfig = registerAs('security', () => resolveSecurityConfig(process.env));

export const securityConfigProvider: Provider = {
  provide: SecurityConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<SecurityConfig>('security'),
  inject: [ConfigService],
};
