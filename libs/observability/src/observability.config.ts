import { type Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { validateEnv } from '@routeiq/config';
import { IsBoolean } from 'class-validator';

/** Logging and metrics settings read by the application (the SDK's own are in TelemetryConfig). */
export class ObservabilityConfig {
  /** `ROUTEIQ_ACCESS_LOG`, default true: one JSON line per request. */
  @IsBoolean({ message: 'must be true or false' })
  accessLog!: boolean;
}

function toBoolean(value: string | undefined, fallback: boolean): boolean | string {
  const trimmed = value?.trim().toLowerCase();
  if (trimmed === undefined || trimmed === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(trimmed)) return true;
  if (['false', '0', 'no', 'off'].includes(trimmed)) return false;
  return value ?? '';
}

export function resolveObservabilityConfig(
  env: Readonly<Record<string, string | undefined>>,
): ObservabilityConfig {
  return validateEnv(
    ObservabilityConfig,
    { accessLog: toBoolean(env.ROUTEIQ_ACCESS_LOG, true) },
    { accessLog: 'ROUTEIQ_ACCESS_LOG' },
  );
}

export const observabilityConfig = registerAs('observability', () =>
  resolveObservabilityConfig(process.env),
);

export const observabilityConfigProvider: Provider = {
  provide: ObservabilityConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<ObservabilityConfig>('observability'),
  inject: [ConfigService],
};
