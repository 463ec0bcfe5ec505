import { type Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { validateEnv, envBoolean } from '@routeiq/config';
import { IsBoolean } from 'class-validator';

/** Logging and metrics settings read by the application (the SDK's own are in TelemetryConfig). */
export class ObservabilityConfig {
  /** `ROUTEIQ_ACCESS_LOG`, default true: one JSON line per request. */
  @IsBoolean({ message: 'must be true or false' })
  accessLog!: boolean;
}

export function resolveObservabilityConfig(
  env: Readonly<Record<string, string | undefined>>,
): ObservabilityConfig {
  return validateEnv(
    ObservabilityConfig,
    { accessLog: envBoolean(env.ROUTEIQ_ACCESS_LOG, true) },
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
