import type { Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { validateEnv } from '@routeiq/config';
import { IsArray, IsIn, IsNumber, IsString, Max, Min, MinLength } from 'class-validator';
import { PLUGIN_CAPABILITIES, PLUGIN_FAILURE_MODES } from './plugin-capabilities';
import type { PluginCapability, PluginFailureMode } from './plugin.types';

const TIMEOUT_RULE = 'must be a number of seconds > 0 (at most 3600)';

/** Which external plugins load and what any plugin may do (also the DI token). */
export class PluginsConfig {
  /** `LLMROUTER_PLUGINS`: module paths (from the working directory) or package names. */
  @IsArray()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  modules!: string[];

  /**
   * `LLMROUTER_PLUGINS_ALLOWLIST`: module paths (as written or resolved) or plugin names. Every
   * entry of `LLMROUTER_PLUGINS` must match one, so an empty allowlist loads no external plugin.
   */
  @IsArray()
  @IsString({ each: true })
  allowlist!: string[];

  /** `LLMROUTER_PLUGINS_ALLOWED_CAPABILITIES`: default every capability. */
  @IsArray()
  @IsIn(PLUGIN_CAPABILITIES, {
    each: true,
    message: `each entry must be one of: ${PLUGIN_CAPABILITIES.join(', ')}`,
  })
  allowedCapabilities!: PluginCapability[];

  /** `LLMROUTER_PLUGINS_FAILURE_MODE`: the mode of plugins that do not set their own. */
  @IsIn(PLUGIN_FAILURE_MODES, { message: `must be one of: ${PLUGIN_FAILURE_MODES.join(', ')}` })
  failureMode!: PluginFailureMode;

  /** `LLMROUTER_PLUGIN_STARTUP_TIMEOUT` (seconds, default 30): per plugin `startup()`. */
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: TIMEOUT_RULE })
  @Min(0.001, { message: TIMEOUT_RULE })
  @Max(3600, { message: TIMEOUT_RULE })
  startupTimeoutSeconds!: number;
}

function splitList(value: string | undefined): string[] {
  const entries = (value ?? '').split(',').map((entry) => entry.trim());
  return [...new Set(entries.filter((entry) => entry.length > 0))];
}

function seconds(value: string | undefined, fallback: number): number | string {
  const text = value?.trim();
  if (!text) return fallback;
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/** @throws ConfigValidationError naming each bad variable. */
export function resolvePluginsConfig(
  env: Readonly<Record<string, string | undefined>>,
): PluginsConfig {
  const capabilities = splitList(env.LLMROUTER_PLUGINS_ALLOWED_CAPABILITIES);
  return validateEnv(
    PluginsConfig,
    {
      modules: splitList(env.LLMROUTER_PLUGINS),
      allowlist: splitList(env.LLMROUTER_PLUGINS_ALLOWLIST),
      allowedCapabilities: capabilities.length > 0 ? capabilities : [...PLUGIN_CAPABILITIES],
      failureMode: env.LLMROUTER_PLUGINS_FAILURE_MODE?.trim().toLowerCase() || 'continue',
      startupTimeoutSeconds: seconds(env.LLMROUTER_PLUGIN_STARTUP_TIMEOUT, 30),
    },
    {
      modules: 'LLMROUTER_PLUGINS',
      allowlist: 'LLMROUTER_PLUGINS_ALLOWLIST',
      allowedCapabilities: 'LLMROUTER_PLUGINS_ALLOWED_CAPABILITIES',
      failureMode: 'LLMROUTER_PLUGINS_FAILURE_MODE',
      startupTimeoutSeconds: 'LLMROUTER_PLUGIN_STARTUP_TIMEOUT',
    },
  );
}

export const pluginsConfig = registerAs('plugins', () => resolvePluginsConfig(process.env));

export const pluginsConfigProvider: Provider = {
  provide: PluginsConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<PluginsConfig>('plugins'),
  inject: [ConfigService],
};
