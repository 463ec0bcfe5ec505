import { ConfigValidationError, validateEnv, type ConfigProblem } from '@routeiq/config';
import { IsIn, IsNumber, IsPositive, IsUrl } from 'class-validator';

type Env = Readonly<Record<string, string | undefined>>;

/** The OTLP signals the gateway exports itself, and the path each takes on a base endpoint. */
export type OtlpSignal = 'TRACES' | 'METRICS';
const SIGNAL_PATHS: Readonly<Record<OtlpSignal, string>> = {
  TRACES: 'v1/traces',
  METRICS: 'v1/metrics',
};
const DEFAULT_BASE = 'http://localhost:4318/';
const COMPRESSIONS = ['gzip', 'none'] as const;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Control characters other than tab would make node:http throw while sending.
// eslint-disable-next-line no-control-regex
const HEADER_VALUE_FORBIDDEN = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const TLS_FILE_VARIABLES = ['CERTIFICATE', 'CLIENT_CERTIFICATE', 'CLIENT_KEY'] as const;

/**
 * Where and how the gateway's OTLP/HTTP protobuf exporters send (traces, and metrics through the
 * same transport), per the OTLP exporter env; `TRACES` below stands for the signal's name.
 */
export class OtlpTraceExportConfig {
  /** `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as-is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. */
  @IsUrl(
    {
      protocols: ['http', 'https'],
      require_protocol: true,
      require_tld: false,
      allow_underscores: true,
    },
    { message: 'must be an http:// or https:// URL' },
  )
  url!: string;

  /** `OTEL_EXPORTER_OTLP_HEADERS` merged with `OTEL_EXPORTER_OTLP_TRACES_HEADERS` (which wins). */
  headers!: Readonly<Record<string, string>>;

  /** `OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT` in ms, default 10000. */
  @IsNumber({}, { message: 'must be a number of milliseconds greater than 0' })
  @IsPositive({ message: 'must be a number of milliseconds greater than 0' })
  timeoutMillis!: number;

  /** `OTEL_EXPORTER_OTLP_(TRACES_)COMPRESSION`: `gzip` or `none` (default). */
  @IsIn(COMPRESSIONS, { message: 'must be gzip or none' })
  compression!: (typeof COMPRESSIONS)[number];
}

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

/** The signal-specific variable when set, else the general one; returns which one was used. */
function pick(
  env: Env,
  suffix: string,
  signal: OtlpSignal,
): { name: string; value: string | undefined } {
  const specific = `OTEL_EXPORTER_OTLP_${signal}_${suffix}`;
  const value = read(env, specific);
  if (value !== undefined) return { name: specific, value };
  const general = `OTEL_EXPORTER_OTLP_${suffix}`;
  return { name: general, value: read(env, general) };
}

function resolveUrl(env: Env, signal: OtlpSignal): { name: string; value: string } {
  const name = `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`;
  const specific = read(env, name);
  if (specific !== undefined) return { name, value: specific };
  const path = SIGNAL_PATHS[signal];
  const base = read(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? DEFAULT_BASE;
  const value = base.endsWith('/') ? `${base}${path}` : `${base}/${path}`;
  return { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value };
}

/**
 * `k1=v1,k2=v2` with URL-encoded keys and values (the OTLP exporter format). Empty entries are
 * skipped; malformed ones are problems. Messages never echo a value: headers carry credentials.
 */
function parseHeaders(env: Env, name: string, problems: ConfigProblem[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [index, entry] of (read(env, name) ?? '').split(',').entries()) {
    if (entry.trim() === '') continue;
    const parsed = parseHeaderEntry(entry);
    if (typeof parsed === 'string')
      problems.push({ path: name, message: `entry ${index + 1} ${parsed}` });
    else headers[parsed[0].toLowerCase()] = parsed[1];
  }
  return headers;
}

/** `[name, value]`, or why the entry is unusable. */
function parseHeaderEntry(entry: string): [string, string] | string {
  const separator = entry.indexOf('=');
  if (separator <= 0) return 'is not a key=value pair';
  const key = decode(entry.slice(0, separator).trim());
  const value = decode(entry.slice(separator + 1).trim());
  if (key === undefined || value === undefined) return 'is not validly URL-encoded';
  if (!HEADER_NAME.test(key)) return 'has a key that is not a valid HTTP header name';
  if (HEADER_VALUE_FORBIDDEN.test(value)) return 'has a value with control characters';
  return [key, value];
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function toNumber(value: string): number | string {
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

/**
 * Resolves the fast trace exporter's settings from the OTLP exporter environment variables.
 * @throws ConfigValidationError naming every bad variable (header values are never echoed).
 */
export function resolveOtlpTraceExportConfig(
  env: Env = process.env,
  signal: OtlpSignal = 'TRACES',
): OtlpTraceExportConfig {
  const problems: ConfigProblem[] = [];
  const headers = {
    ...parseHeaders(env, 'OTEL_EXPORTER_OTLP_HEADERS', problems),
    ...parseHeaders(env, `OTEL_EXPORTER_OTLP_${signal}_HEADERS`, problems),
  };
  const url = resolveUrl(env, signal);
  const timeout = pick(env, 'TIMEOUT', signal);
  const compression = pick(env, 'COMPRESSION', signal);
  const values = {
    url: url.value,
    headers,
    timeoutMillis: toNumber(timeout.value ?? '10000'),
    compression: (compression.value ?? 'none').toLowerCase(),
  };
  const names = { url: url.name, timeoutMillis: timeout.name, compression: compression.name };
  try {
    const config = validateEnv(OtlpTraceExportConfig, values, names);
    if (problems.length === 0) return Object.freeze(config);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    problems.unshift(...error.problems);
  }
  throw new ConfigValidationError(problems, 'environment');
}

/**
 * Whether the SDK would pick its OTLP http/protobuf trace exporter (`OTEL_TRACES_EXPORTER` unset
 * or `otlp`, protocol unset or `http/protobuf`) and the fast exporter can stand in for it: it
 * does not load the TLS files of `OTEL_EXPORTER_OTLP_(TRACES_)CERTIFICATE`/`CLIENT_*`, so with
 * any of those set the SDK's own exporter stays.
 */
export function fastOtlpTraceExportApplies(env: Env = process.env): boolean {
  const exporters = new Set(
    (read(env, 'OTEL_TRACES_EXPORTER') ?? 'otlp').split(',').map((e) => e.trim()),
  );
  exporters.delete('');
  const otlpOnly = exporters.size === 0 || (exporters.size === 1 && exporters.has('otlp'));
  return otlpOnly && gatewayTransportApplies(env, 'TRACES');
}

/**
 * Whether the gateway's transport can send a signal the SDK would send over OTLP/HTTP protobuf:
 * the signal's protocol (else the general one) is `http/protobuf` (the default) and no TLS file
 * variable is set (the transport does not load them; with one set the SDK's exporter stays).
 */
export function gatewayTransportApplies(env: Env, signal: OtlpSignal): boolean {
  const protocol =
    read(env, `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`) ??
    read(env, 'OTEL_EXPORTER_OTLP_PROTOCOL') ??
    'http/protobuf';
  const tlsFiles = TLS_FILE_VARIABLES.some(
    (suffix) => pick(env, suffix, signal).value !== undefined,
  );
  return protocol === 'http/protobuf' && !tlsFiles;
}
