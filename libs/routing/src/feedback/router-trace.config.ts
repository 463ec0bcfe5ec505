import type { Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { envBoolean, validateEnv } from '@routeiq/config';
import { IsBoolean, IsNumber, Max, Min } from 'class-validator';

const VARIABLES = {
  traceRouting: 'LLMROUTER_TRACE_ROUTING',
  tracePrompts: 'LLMROUTER_TRACE_PROMPTS',
  sampleRate: 'LLMROUTER_TRACE_SAMPLE_RATE',
} as const;

const RATE = 'must be a number from 0 to 1 (got $value)';

/** Routing traces: the gateway's own traffic as training data (also the DI token). */
export class RouterTraceConfig {
  /**
   * `LLMROUTER_TRACE_ROUTING`, default false: a trace row per answered request (routing facts,
   * caller, cost, prompt hash). Off, nothing is captured and `POST /v1/feedback` finds nothing.
   */
  @IsBoolean({ message: 'must be true or false' })
  traceRouting!: boolean;

  /**
   * `LLMROUTER_TRACE_PROMPTS`, default false. A privacy switch: only when true is the prompt text
   * (the part a learned router judges) stored with the trace; otherwise only its SHA-256.
   */
  @IsBoolean({ message: 'must be true or false' })
  tracePrompts!: boolean;

  /** `LLMROUTER_TRACE_SAMPLE_RATE`, default 1: the share of answered requests traced. */
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: RATE })
  @Min(0, { message: RATE })
  @Max(1, { message: RATE })
  sampleRate!: number;
}

function rate(text: string | undefined): number | string {
  const value = text?.trim();
  if (!value) return 1;
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

/** @throws ConfigValidationError naming every bad variable. */
export function resolveRouterTraceConfig(
  env: Readonly<Record<string, string | undefined>>,
): RouterTraceConfig {
  return validateEnv(
    RouterTraceConfig,
    {
      traceRouting: envBoolean(env[VARIABLES.traceRouting], false),
      tracePrompts: envBoolean(env[VARIABLES.tracePrompts], false),
      sampleRate: rate(env[VARIABLES.sampleRate]),
    },
    VARIABLES,
  );
}

export const routerTraceConfig = registerAs('routerTrace', () =>
  resolveRouterTraceConfig(process.env),
);

export const routerTraceConfigProvider: Provider = {
  provide: RouterTraceConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<RouterTraceConfig>('routerTrace'),
  inject: [ConfigService],
};
