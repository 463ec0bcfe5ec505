import { Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { validateEnv, envBoolean } from '@routeiq/config';
import { IsArray, IsBoolean, ValidateBy, type ValidationOptions } from 'class-validator';
import { parseCidr } from './ip-address.parser';
import { normaliseUrlPrefix, parseHostPattern } from './outbound-allowlist.matcher';

/** Validates each list entry; `echo` false keeps a URL that may hold a password out of the message. */
function IsEach(test: (value: string) => boolean, message: string, echo = true): PropertyDecorator {
  const isGood = (entry: unknown): boolean => typeof entry === 'string' && test(entry);
  const options: ValidationOptions = {
    message: (args) => {
      const bad: unknown = Array.isArray(args.value)
        ? args.value.find((e) => !isGood(e))
        : args.value;
      return echo ? `${message}, got ${JSON.stringify(bad)}` : message;
    },
  };
  return ValidateBy(
    {
      name: 'outboundEntries',
      validator: { validate: (value) => Array.isArray(value) && value.every(isGood) },
    },
    options,
  );
}

/**
 * Where outbound calls to URLs the operator did not write may go. Loopback, link-local, metadata
 * and reserved addresses are always refused unless a URL matches `urlAllowlist`.
 */
export class OutboundConfig {
  /**
   * `LLMROUTER_OUTBOUND_HOST_ALLOWLIST` (legacy `LLMROUTER_SSRF_ALLOWLIST_HOSTS`): when non-empty,
   * only these hosts are reached, and they may resolve to private addresses.
   */
  @IsArray()
  @IsEach((v) => parseHostPattern(v) !== null, 'must be a host, "*.domain" or ".domain"')
  hostAllowlist!: string[];

  /** `LLMROUTER_OUTBOUND_CIDR_ALLOWLIST` (legacy `LLMROUTER_SSRF_ALLOWLIST_CIDRS`). */
  @IsArray()
  @IsEach((v) => parseCidr(v) !== null, 'must be a CIDR such as 10.0.0.0/8 or fd00::/8')
  cidrAllowlist!: string[];

  /** `LLMROUTER_OUTBOUND_URL_ALLOWLIST`: URL prefixes that skip the address checks. */
  @IsArray()
  @IsEach(
    (v) => normaliseUrlPrefix(v) !== null,
    'each entry must be an http(s) URL without credentials, query or fragment',
    false,
  )
  urlAllowlist!: string[];

  /** `LLMROUTER_OUTBOUND_ALLOW_PRIVATE` (legacy `LLMROUTER_ALLOW_PRIVATE_IPS`), default false. */
  @IsBoolean({ message: 'must be true or false' })
  allowPrivate!: boolean;
}

function splitList(value: string | undefined): string[] {
  const entries = (value ?? '').split(',').map((entry) => entry.trim());
  return [...new Set(entries.filter((entry) => entry.length > 0))];
}

type Env = Readonly<Record<string, string | undefined>>;

/** The new name wins when it holds a non-blank value; otherwise the seed's legacy name is read. */
function pick(env: Env, name: string, legacy: string): { name: string; value: string | undefined } {
  const value = env[name];
  if (value !== undefined && value.trim() !== '') return { name, value };
  const legacyValue = env[legacy];
  if (legacyValue !== undefined && legacyValue.trim() !== '')
    return { name: legacy, value: legacyValue };
  return { name, value };
}

export function resolveOutboundConfig(env: Env): OutboundConfig {
  const hosts = pick(env, 'LLMROUTER_OUTBOUND_HOST_ALLOWLIST', 'LLMROUTER_SSRF_ALLOWLIST_HOSTS');
  const cidrs = pick(env, 'LLMROUTER_OUTBOUND_CIDR_ALLOWLIST', 'LLMROUTER_SSRF_ALLOWLIST_CIDRS');
  const allowPrivate = pick(env, 'LLMROUTER_OUTBOUND_ALLOW_PRIVATE', 'LLMROUTER_ALLOW_PRIVATE_IPS');
  return validateEnv(
    OutboundConfig,
    {
      hostAllowlist: splitList(hosts.value),
      cidrAllowlist: splitList(cidrs.value),
      urlAllowlist: splitList(env.LLMROUTER_OUTBOUND_URL_ALLOWLIST),
      allowPrivate: envBoolean(allowPrivate.value, false),
    },
    {
      hostAllowlist: hosts.name,
      cidrAllowlist: cidrs.name,
      urlAllowlist: 'LLMROUTER_OUTBOUND_URL_ALLOWLIST',
      allowPrivate: allowPrivate.name,
    },
  );
}

export const outboundConfig = registerAs('outbound', () => resolveOutboundConfig(process.env));

export const outboundConfigProvider: Provider = {
  provide: OutboundConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<OutboundConfig>('outbound'),
  inject: [ConfigService],
};
