import { ConfigValidationError } from '@routeiq/config';
import {
  DEFAULT_INSTRUMENTATIONS,
  resolveTelemetryConfig,
  telemetryEnvDefaults,
  TRACE_SAMPLERS,
} from './telemetry.config';

type Env = Record<string, string | undefined>;

/** The problems of a rejected environment; fails the test when it is accepted. */
function problemsOf(env: Env): ReadonlyArray<{ path: string; message: string }> {
  try {
    resolveTelemetryConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe(resolveTelemetryConfig.name, () => {
  it('defaults to disabled, routeiq-gateway, parentbased_traceidratio at 0.1, no content', () => {
    expect({ ...resolveTelemetryConfig({}) }).toEqual({
      enabled: false,
      serviceName: 'routeiq-gateway',
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.1,
      captureContent: false,
      w3cPropagation: true,
    });
  });

  it.each([
    [undefined, true],
    [' ', true],
    ['tracecontext', true],
    ['tracecontext, baggage', true],
    ['baggage,tracecontext,baggage', true],
    ['baggage', false],
    ['tracecontext,b3', false],
    ['b3multi', false],
    ['none', false],
    ['tracecontext,none', false],
  ])('knows whether OTEL_PROPAGATORS=%p propagates W3C trace context only', (value, w3c) => {
    expect(resolveTelemetryConfig({ OTEL_PROPAGATORS: value }).w3cPropagation).toBe(w3c);
  });

  it('treats empty and blank variables as unset', () => {
    const blank = { OTEL_ENABLED: '', OTEL_SERVICE_NAME: '  ', OTEL_TRACES_SAMPLER: '' };
    expect({ ...resolveTelemetryConfig({ ...blank, OTEL_TRACES_SAMPLER_ARG: ' ' }) }).toEqual({
      ...resolveTelemetryConfig({}),
    });
  });

  it('is frozen', () => {
    expect(Object.isFrozen(resolveTelemetryConfig({}))).toBe(true);
  });

  it.each(['true', 'TRUE', '1', 'yes', 'on'])('turns tracing on with OTEL_ENABLED=%s', (value) => {
    expect(resolveTelemetryConfig({ OTEL_ENABLED: value }).enabled).toBe(true);
  });

  it.each(['false', '0', 'no', 'off'])('keeps tracing off with OTEL_ENABLED=%s', (value) => {
    expect(resolveTelemetryConfig({ OTEL_ENABLED: value }).enabled).toBe(false);
  });

  it('lets OTEL_SDK_DISABLED=true win over OTEL_ENABLED=true', () => {
    expect(
      resolveTelemetryConfig({ OTEL_ENABLED: 'true', OTEL_SDK_DISABLED: 'true' }).enabled,
    ).toBe(false);
    expect(
      resolveTelemetryConfig({ OTEL_ENABLED: 'true', OTEL_SDK_DISABLED: 'false' }).enabled,
    ).toBe(true);
  });

  it('reads the service name and LOG_QUERIES', () => {
    const config = resolveTelemetryConfig({ OTEL_SERVICE_NAME: ' edge-gw ', LOG_QUERIES: 'true' });
    expect(config).toMatchObject({ serviceName: 'edge-gw', captureContent: true });
  });

  it('takes OTEL_TRACES_SAMPLER over ROUTEIQ_OTEL_TRACES_SAMPLER, case-insensitively', () => {
    const both = { OTEL_TRACES_SAMPLER: 'ALWAYS_ON', ROUTEIQ_OTEL_TRACES_SAMPLER: 'always_off' };
    expect(resolveTelemetryConfig(both).sampler).toBe('always_on');
    const routeiqOnly = { ROUTEIQ_OTEL_TRACES_SAMPLER: 'traceidratio' };
    expect(resolveTelemetryConfig(routeiqOnly).sampler).toBe('traceidratio');
  });

  it('takes OTEL_TRACES_SAMPLER_ARG over ROUTEIQ_OTEL_TRACES_SAMPLER_ARG', () => {
    const both = { OTEL_TRACES_SAMPLER_ARG: '0.5', ROUTEIQ_OTEL_TRACES_SAMPLER_ARG: '0.25' };
    expect(resolveTelemetryConfig(both).samplerRatio).toBe(0.5);
    expect(resolveTelemetryConfig({ ROUTEIQ_OTEL_TRACES_SAMPLER_ARG: '0.25' }).samplerRatio).toBe(
      0.25,
    );
    expect(resolveTelemetryConfig({ OTEL_TRACES_SAMPLER_ARG: '0' }).samplerRatio).toBe(0);
    expect(resolveTelemetryConfig({ OTEL_TRACES_SAMPLER_ARG: '1' }).samplerRatio).toBe(1);
  });

  it('accepts every sampler of the OpenTelemetry specification', () => {
    for (const sampler of TRACE_SAMPLERS) {
      expect(resolveTelemetryConfig({ OTEL_TRACES_SAMPLER: sampler }).sampler).toBe(sampler);
    }
  });

  it.each<[string, Env, string]>([
    ['an unknown sampler', { OTEL_TRACES_SAMPLER: 'jaeger_remote' }, 'OTEL_TRACES_SAMPLER'],
    [
      'an unknown ROUTEIQ_ sampler',
      { ROUTEIQ_OTEL_TRACES_SAMPLER: 'sometimes' },
      'ROUTEIQ_OTEL_TRACES_SAMPLER',
    ],
    ['a ratio above 1', { OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG'],
    ['a negative ratio', { OTEL_TRACES_SAMPLER_ARG: '-0.1' }, 'OTEL_TRACES_SAMPLER_ARG'],
    ['a ratio that is no number', { OTEL_TRACES_SAMPLER_ARG: 'half' }, 'OTEL_TRACES_SAMPLER_ARG'],
    [
      'a bad ROUTEIQ_ ratio',
      { ROUTEIQ_OTEL_TRACES_SAMPLER_ARG: 'Infinity' },
      'ROUTEIQ_OTEL_TRACES_SAMPLER_ARG',
    ],
    ['a non-boolean OTEL_ENABLED', { OTEL_ENABLED: 'maybe' }, 'OTEL_ENABLED'],
    ['a non-boolean LOG_QUERIES', { LOG_QUERIES: 'sometimes' }, 'LOG_QUERIES'],
    [
      'LOG_QUERIES=yes (the server config takes only true, false, 1, 0)',
      { LOG_QUERIES: 'yes' },
      'LOG_QUERIES',
    ],
  ])('rejects %s, naming the variable', (_case, env, variable) => {
    expect(problemsOf(env).map((p) => p.path)).toEqual([variable]);
  });

  it('names every bad variable at once, and not the value of a good one', () => {
    const problems = problemsOf({
      OTEL_ENABLED: 'maybe',
      OTEL_TRACES_SAMPLER: 'nope',
      OTEL_TRACES_SAMPLER_ARG: '2',
      OTEL_SERVICE_NAME: 'fine',
    });
    expect(problems.map((p) => p.path).sort()).toEqual(
      ['OTEL_ENABLED', 'OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG'].sort(),
    );
    expect(problems.find((p) => p.path === 'OTEL_TRACES_SAMPLER_ARG')?.message).toBe(
      'must be a number between 0 and 1',
    );
  });

  it('reads OTEL_SDK_DISABLED with the same boolean words, and ignores other values', () => {
    expect(resolveTelemetryConfig({ OTEL_ENABLED: 'on', OTEL_SDK_DISABLED: 'YES' }).enabled).toBe(
      false,
    );
    // The OpenTelemetry spec reads anything but "true" as false: the SDK stays enabled.
    expect(resolveTelemetryConfig({ OTEL_ENABLED: 'on', OTEL_SDK_DISABLED: 'maybe' }).enabled).toBe(
      true,
    );
  });
});

describe(telemetryEnvDefaults.name, () => {
  it('passes the resolved sampler on and sizes the batch processor for a gateway', () => {
    const config = resolveTelemetryConfig({
      ROUTEIQ_OTEL_TRACES_SAMPLER: 'traceidratio',
      ROUTEIQ_OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(telemetryEnvDefaults(config)).toEqual({
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_MAX_QUEUE_SIZE: '16384',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1024',
      OTEL_BSP_SCHEDULE_DELAY: '1000',
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'pg,ioredis',
    });
  });

  it('gives the defaults when nothing is set', () => {
    const defaults = telemetryEnvDefaults(resolveTelemetryConfig({}));
    expect(defaults).toMatchObject({
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    });
    expect(defaults.OTEL_NODE_ENABLED_INSTRUMENTATIONS?.split(',')).toEqual([
      ...DEFAULT_INSTRUMENTATIONS,
    ]);
  });
});
