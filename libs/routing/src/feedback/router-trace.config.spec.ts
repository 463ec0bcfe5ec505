import { ConfigValidationError } from '@routeiq/config';
import { resolveRouterTraceConfig } from './router-trace.config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    resolveRouterTraceConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems.map((p) => p.path);
    throw error;
  }
  return [];
}

describe(resolveRouterTraceConfig.name, () => {
  it('traces nothing by default, and keeps no prompt text', () => {
    expect(resolveRouterTraceConfig({})).toEqual({
      traceRouting: false,
      tracePrompts: false,
      sampleRate: 1,
    });
  });

  it('reads the switches and the sample rate', () => {
    expect(
      resolveRouterTraceConfig({
        LLMROUTER_TRACE_ROUTING: 'true',
        LLMROUTER_TRACE_PROMPTS: 'yes',
        LLMROUTER_TRACE_SAMPLE_RATE: ' 0.25 ',
      }),
    ).toEqual({ traceRouting: true, tracePrompts: true, sampleRate: 0.25 });
    expect(resolveRouterTraceConfig({ LLMROUTER_TRACE_SAMPLE_RATE: '0' }).sampleRate).toBe(0);
  });

  it('names every bad variable', () => {
    expect(
      problemsOf({
        LLMROUTER_TRACE_ROUTING: 'maybe',
        LLMROUTER_TRACE_PROMPTS: 'sometimes',
        LLMROUTER_TRACE_SAMPLE_RATE: '1.5',
      }).sort(),
    ).toEqual([
      'LLMROUTER_TRACE_PROMPTS',
      'LLMROUTER_TRACE_ROUTING',
      'LLMROUTER_TRACE_SAMPLE_RATE',
    ]);
    expect(problemsOf({ LLMROUTER_TRACE_SAMPLE_RATE: 'half' })).toEqual([
      'LLMROUTER_TRACE_SAMPLE_RATE',
    ]);
    expect(problemsOf({ LLMROUTER_TRACE_SAMPLE_RATE: '-0.1' })).toEqual([
      'LLMROUTER_TRACE_SAMPLE_RATE',
    ]);
  });
});
