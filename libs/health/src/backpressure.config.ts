import type { Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { validateEnv } from '@routeiq/config';
import { IsInt, Max, Min } from 'class-validator';

const MAX_CONCURRENT_RULE = 'must be an integer >= 0, 0 meaning unlimited (got $value)';

/** Load shedding on the raw HTTP server (also the DI token). */
export class BackpressureConfig {
  /**
   * `ROUTEIQ_MAX_CONCURRENT_REQUESTS`: requests in flight (streams until they end, health probes
   * not counted) beyond which a new request is refused with 503 `over_capacity`; 0 = unlimited.
   */
  @IsInt({ message: MAX_CONCURRENT_RULE })
  @Min(0, { message: MAX_CONCURRENT_RULE })
  @Max(Number.MAX_SAFE_INTEGER, { message: MAX_CONCURRENT_RULE })
  maxConcurrentRequests!: number;
}

/** Unset or empty means unlimited. @throws ConfigValidationError naming the variable. */
export function resolveBackpressureConfig(
  env: Readonly<Record<string, string | undefined>>,
): BackpressureConfig {
  const text = env.ROUTEIQ_MAX_CONCURRENT_REQUESTS?.trim();
  return validateEnv(
    BackpressureConfig,
    { maxConcurrentRequests: !text ? 0 : /^\d+$/.test(text) ? Number(text) : text },
    { maxConcurrentRequests: 'ROUTEIQ_MAX_CONCURRENT_REQUESTS' },
  );
}

export const backpressureConfig = registerAs('backpressure', () =>
  resolveBackpressureConfig(process.env),
);

export const backpressureConfigProvider: Provider = {
  provide: BackpressureConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<BackpressureConfig>('backpressure'),
  inject: [ConfigService],
};
