import { validateEnv, envBoolean } from '@routeiq/config';
import { IsBoolean, IsIn, IsNumber, IsString, Max, Min, MinLength } from 'class-validator';

/** The samplers of the OpenTelemetry environment specification. */
export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/** Telemetry settings, read before anything else is loaded (the SDK must start first). */
export class TelemetryConfig {
  /** `OTEL_ENABLED` (default false; `OTEL_SDK_DISABLED=true` also turns it off). */
  @IsBoolean({ message: 'must be true or false' })
  enabled!: boolean;

  /** `OTEL_SERVICE_NAME`, default `routeiq-gateway`. */
  @IsString()
  @MinLength(1)
  serviceName!: string;

  /** `OTEL_TRACES_SAMPLER`, else `ROUTEIQ_OTEL_TRACES_SAMPLER`, else `parentbased_traceidratio`. */
  @IsIn(TRACE_SAMPLERS, { message: `must be one of ${TRACE_SAMPLERS.join(', ')}` })
  sampler!: string;

  /** `OTEL_TRACES_SAMPLER_ARG`, else `ROUTEIQ_OTEL_TRACES_SAMPLER_ARG`, default 0.1. */
  @IsNumber({}, { message: 'must be a number between 0 and 1' })
  @Min(0, { message: 'must be a number between 0 and 1' })
  @Max(1, { message: 'must be a number between 0 and 1' })
  samplerRatio!: number;

  /** `LOG_QUERIES`: prompt and completion text may go on spans (off by default). */
  @IsBoolean({ message: 'must be true or false' })
  captureContent!: boolean;

  /**
   * Context goes out as W3C trace context (and baggage) only: `OTEL_PROPAGATORS` unset (the
   * SDK's default, `tracecontext,baggage`) or naming nothing else. The gateway then writes
   * `traceparent` for its upstream calls itself instead of through the propagation API.
   */
  @IsBoolean()
  w3cPropagation!: boolean;
}

const W3C_PROPAGATORS = new Set(['tracecontext', 'baggage']);

/** As the SDK reads `OTEL_PROPAGATORS`: comma-separated names; unset means its default. */
function w3cPropagationOnly(value: string | undefined): boolean {
  if (value === undefined) return true;
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0) return true;
  return names.includes('tracecontext') && names.every((name) => W3C_PROPAGATORS.has(name));
}

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

/** `LOG_QUERIES` takes what the server config takes for it: true, false, 1 or 0. */
function strictBoolean(value: string | undefined): boolean | string {
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  return value;
}

function toNumber(value: string): number | string {
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

/**
 * Resolves the telemetry settings from the environment.
 * @throws ConfigValidationError naming every bad variable.
 */
export function resolveTelemetryConfig(env: Env): TelemetryConfig {
  const standardSampler = read(env, 'OTEL_TRACES_SAMPLER');
  const samplerVar = standardSampler ? 'OTEL_TRACES_SAMPLER' : 'ROUTEIQ_OTEL_TRACES_SAMPLER';
  const argVar = read(env, 'OTEL_TRACES_SAMPLER_ARG')
    ? 'OTEL_TRACES_SAMPLER_ARG'
    : 'ROUTEIQ_OTEL_TRACES_SAMPLER_ARG';
  const disabled = envBoolean(read(env, 'OTEL_SDK_DISABLED'), false) === true;
  const enabled = envBoolean(read(env, 'OTEL_ENABLED'), false);
  const config = validateEnv(
    TelemetryConfig,
    {
      enabled: disabled ? false : enabled,
      serviceName: read(env, 'OTEL_SERVICE_NAME') ?? 'routeiq-gateway',
      sampler: (read(env, samplerVar) ?? 'parentbased_traceidratio').toLowerCase(),
      samplerRatio: toNumber(read(env, argVar) ?? '0.1'),
      captureContent: strictBoolean(read(env, 'LOG_QUERIES')),
      w3cPropagation: w3cPropagationOnly(read(env, 'OTEL_PROPAGATORS')),
    },
    {
      enabled: 'OTEL_ENABLED',
      serviceName: 'OTEL_SERVICE_NAME',
      sampler: samplerVar,
      samplerRatio: argVar,
      captureContent: 'LOG_QUERIES',
      w3cPropagation: 'OTEL_PROPAGATORS',
    },
  );
  return Object.freeze(config);
}

/**
 * The auto-instrumentations on by default. The gateway makes its own HTTP server span and its own
 * upstream client span (with `traceparent`): the http and undici instrumentations cost 20% of
 * throughput even with no span recorded. Naming them in `OTEL_NODE_ENABLED_INSTRUMENTATIONS`
 * turns them back on, and the gateway then leaves those spans to them.
 */
export const DEFAULT_INSTRUMENTATIONS = ['pg', 'ioredis'] as const;

/**
 * Defaults the OpenTelemetry packages read from the environment themselves, applied only where
 * the operator set nothing: the sampler resolved above, a batch processor sized for a gateway
 * (the SDK's 2048-span queue drops spans within a second at a few thousand requests/s), and the
 * default instrumentations.
 */
export function telemetryEnvDefaults(config: TelemetryConfig): Readonly<Record<string, string>> {
  return {
    OTEL_TRACES_SAMPLER: config.sampler,
    OTEL_TRACES_SAMPLER_ARG: String(config.samplerRatio),
    OTEL_BSP_MAX_QUEUE_SIZE: '16384',
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1024',
    OTEL_BSP_SCHEDULE_DELAY: '1000',
    OTEL_NODE_ENABLED_INSTRUMENTATIONS: DEFAULT_INSTRUMENTATIONS.join(','),
  };
}

/**
 * The process environment, which the OpenTelemetry packages read themselves: the defaults above
 * are written into it before the SDK starts.
 */
export function telemetryEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}
