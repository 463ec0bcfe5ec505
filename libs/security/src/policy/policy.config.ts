import { type Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { validateEnv, envBoolean } from '@routeiq/config';
import { IsBoolean, IsIn, IsString, MinLength, ValidateIf } from 'class-validator';
import { resolve } from 'node:path';

export const POLICY_FAIL_MODES = ['closed', 'open'] as const;
/**
 * What happens when the policy file cannot be loaded or evaluation throws. `closed`: the gateway
 * refuses to start on a bad file at boot, and answers 503 `policy_engine_unavailable` if evaluation
 * fails at runtime. `open`: it starts anyway, logs the error, and allows requests with a warning.
 */
export type PolicyFailMode = (typeof POLICY_FAIL_MODES)[number];

/** The request policy engine's switches. Inject the class itself: it is the DI token. */
export class PolicyConfig {
  /** `POLICY_ENGINE_ENABLED`, default false. */
  @IsBoolean({ message: 'must be true or false' })
  enabled!: boolean;

  /** `POLICY_CONFIG_PATH`, absolute; required when the engine is enabled. */
  @ValidateIf((config: PolicyConfig) => config.enabled === true)
  @IsString({ message: 'is required when POLICY_ENGINE_ENABLED=true' })
  @MinLength(1, { message: 'is required when POLICY_ENGINE_ENABLED=true' })
  configPath?: string;

  /** `POLICY_ENGINE_FAIL_MODE`, default closed. */
  @IsIn(POLICY_FAIL_MODES, { message: 'must be closed or open' })
  failMode!: PolicyFailMode;
}

function read(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

/**
 * Resolves PolicyConfig from the environment; a relative `POLICY_CONFIG_PATH` is resolved against `cwd`.
 * @throws ConfigValidationError naming every bad variable.
 */
export function resolvePolicyConfig(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string = process.cwd(),
): PolicyConfig {
  const path = read(env, 'POLICY_CONFIG_PATH');
  const config = validateEnv(
    PolicyConfig,
    {
      enabled: envBoolean(read(env, 'POLICY_ENGINE_ENABLED'), false),
      configPath: path === undefined ? undefined : resolve(cwd, path),
      failMode: read(env, 'POLICY_ENGINE_FAIL_MODE')?.toLowerCase() ?? 'closed',
    },
    {
      enabled: 'POLICY_ENGINE_ENABLED',
      configPath: 'POLICY_CONFIG_PATH',
      failMode: 'POLICY_ENGINE_FAIL_MODE',
    },
  );
  return Object.freeze(config);
}

export const policyConfig = registerAs('policy', () => resolvePolicyConfig(process.env));

export const policyConfigProvider: Provider = {
  provide: PolicyConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<PolicyConfig>('policy'),
  inject: [ConfigService],
};
