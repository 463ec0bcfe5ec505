import type { Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { validateEnv, envBoolean } from '@routeiq/config';
import { IsBoolean, IsIn } from 'class-validator';

/**
 * `open`: audit records are written behind, in batches; a database outage never fails a request.
 * `closed`: control-plane actions await their audit write and answer 503 when it fails.
 */
export type AuditFailMode = 'open' | 'closed';
const FAIL_MODES: readonly AuditFailMode[] = ['open', 'closed'];

/** The audit log's environment: `AUDIT_LOG_ENABLED` (default true), `AUDIT_LOG_FAIL_MODE`. */
export class AuditConfig {
  @IsBoolean({ message: 'must be true or false' })
  enabled!: boolean;

  @IsIn(FAIL_MODES, { message: `must be one of: ${FAIL_MODES.join(', ')}` })
  failMode!: AuditFailMode;
}

/** Validates the audit variables of an environment; throws ConfigValidationError naming them. */
export function resolveAuditConfig(env: Readonly<Record<string, string | undefined>>): AuditConfig {
  return validateEnv(
    AuditConfig,
    {
      enabled: envBoolean(env.AUDIT_LOG_ENABLED, true),
      failMode: env.AUDIT_LOG_FAIL_MODE?.trim().toLowerCase() || 'open',
    },
    { enabled: 'AUDIT_LOG_ENABLED', failMode: 'AUDIT_LOG_FAIL_MODE' },
  );
}

export const auditConfig = registerAs('audit', () => resolveAuditConfig(process.env));

export const auditConfigProvider: Provider = {
  provide: AuditConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<AuditConfig>('audit'),
  inject: [ConfigService],
};
