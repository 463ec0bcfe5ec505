import { type Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { buildIpList, parseIpRange } from '@routeiq/common';
import type { BlockList } from 'node:net';
import { resolve } from 'node:path';
import type { GatewayFlags } from './cli-flags';
import {
  AbsolutePath,
  BooleanValue,
  Check,
  IntBetween,
  NonEmptyString,
  NonNegativeNumber,
  OneOf,
  toNumberIfNumeric,
} from './config-rules';
import { validateEnv } from './env-validation';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** LiteLLM's `LITELLM_LOG` names, mapped to pino levels. */
const LITELLM_LOG_ALIASES: Readonly<Record<string, LogLevel>> = {
  warning: 'warn',
  critical: 'fatal',
};

/** Process-level settings, fixed at boot. Inject the class itself: it is the DI token. */
export class ServerConfig {
  /** Absolute path of the LiteLLM-format YAML config. */
  @AbsolutePath() configPath!: string;
  @IntBetween(1, 65535) port!: number;
  @NonEmptyString() host!: string;
  /** Absolute directory for local state (SQLite file, artifacts). */
  @AbsolutePath() dataDir!: string;
  /** Seconds in-flight requests get to finish on shutdown. */
  @NonNegativeNumber() drainTimeoutSeconds!: number;
  @OneOf(LOG_LEVELS, 'must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL (or trace, warn, fatal)')
  logLevel!: LogLevel;
  /** Whether request logs may include prompt text (off unless asked for). */
  @BooleanValue('must be true, false, 1 or 0') logQueries!: boolean;
  /**
   * Addresses and CIDR ranges of the proxies in front of the gateway, whose `X-Forwarded-For` is
   * believed (`ROUTEIQ_TRUSTED_PROXIES`); empty: the TCP peer is the client.
   */
  @Check(
    'ipRanges',
    (value) => Array.isArray(value) && invalidRanges(value).length === 0,
    (value) =>
      `must be a comma-separated list of IP addresses and CIDR ranges (not: ${invalidRanges(
        Array.isArray(value) ? value : [value],
      ).join(', ')})`,
  )
  trustedProxies!: readonly string[];
}

function invalidRanges(entries: readonly unknown[]): string[] {
  return entries
    .filter((entry) => typeof entry !== 'string' || parseIpRange(entry) === undefined)
    .map((entry) => JSON.stringify(entry));
}

/** The trusted proxies as a list to check addresses against; undefined when there are none. */
export function trustedProxyList(config: ServerConfig): BlockList | undefined {
  if (config.trustedProxies.length === 0) return undefined;
  return buildIpList(config.trustedProxies.map((entry) => parseIpRange(entry)!));
}

/** Empty variables count as unset, as docker-compose writes `FOO=` for "not given". */
function read(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function toLogLevel(value: string): string {
  const lower = value.toLowerCase();
  return LITELLM_LOG_ALIASES[lower] ?? lower;
}

function toBoolean(value: string): boolean | string {
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  return value;
}

/**
 * Resolves ServerConfig with precedence flag > environment > default, relative paths against `cwd`.
 * @throws ConfigValidationError naming the flag or variable behind every bad value.
 */
export function resolveServerConfig(
  env: Readonly<Record<string, string | undefined>>,
  flags: GatewayFlags,
  cwd: string = process.cwd(),
): ServerConfig {
  const configVar = read(env, 'LITELLM_CONFIG_PATH') ? 'LITELLM_CONFIG_PATH' : 'CONFIG_FILE_PATH';
  const configPath = flags.config ?? read(env, configVar) ?? 'config/config.yaml';
  const logLevel = read(env, 'LITELLM_LOG');
  const logQueries = read(env, 'LOG_QUERIES');
  const trustedProxies = read(env, 'ROUTEIQ_TRUSTED_PROXIES');
  const values = {
    configPath: resolve(cwd, configPath),
    port: flags.port ?? toNumberIfNumeric(read(env, 'LITELLM_PORT') ?? 4000),
    host: flags.host ?? read(env, 'LITELLM_HOST') ?? '0.0.0.0',
    dataDir: resolve(cwd, read(env, 'ROUTEIQ_DATA_DIR') ?? './data'),
    drainTimeoutSeconds: toNumberIfNumeric(read(env, 'ROUTEIQ_DRAIN_TIMEOUT_SECONDS') ?? 30),
    logLevel: logLevel === undefined ? 'info' : toLogLevel(logLevel),
    logQueries: logQueries === undefined ? false : toBoolean(logQueries),
    trustedProxies: (trustedProxies ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  };
  const config = validateEnv(ServerConfig, values, {
    configPath: flags.config !== undefined ? '--config' : configVar,
    port: flags.port !== undefined ? '--port' : 'LITELLM_PORT',
    host: flags.host !== undefined ? '--host' : 'LITELLM_HOST',
    dataDir: 'ROUTEIQ_DATA_DIR',
    drainTimeoutSeconds: 'ROUTEIQ_DRAIN_TIMEOUT_SECONDS',
    logLevel: 'LITELLM_LOG',
    logQueries: 'LOG_QUERIES',
    trustedProxies: 'ROUTEIQ_TRUSTED_PROXIES',
  });
  return Object.freeze(config);
}

/** The `server` config namespace, read once at boot from the process environment and flags. */
export const serverConfig = (flags: GatewayFlags) =>
  registerAs('server', (): ServerConfig => resolveServerConfig(process.env, flags));

/** Makes the class `ServerConfig` an injectable token for the `server` namespace. */
export function serverConfigProvider(): Provider {
  return {
    provide: ServerConfig,
    useFactory: (config: ConfigService) => config.getOrThrow<ServerConfig>('server'),
    inject: [ConfigService],
  };
}
