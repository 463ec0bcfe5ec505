import { ConfigValidationError } from '@routeiq/config';
import { QuotaConfig, resolveQuotaConfig } from './quota.config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    resolveQuotaConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError)
      return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('resolved without problems');
}

describe(QuotaConfig.name, () => {
  it('defaults to enabled, no rules, 256 output tokens, fail closed, 250 ms', () => {
    expect(resolveQuotaConfig({})).toEqual({
      enabled: true,
      rules: [],
      defaultOutputTokens: 256,
      failMode: 'closed',
      redisTimeoutMs: 250,
    });
  });

  it('reads every variable', () => {
    const config = resolveQuotaConfig({
      ROUTEIQ_QUOTA_ENABLED: 'false',
      ROUTEIQ_QUOTA_DEFAULT_OUTPUT_TOKENS: '512',
      ROUTEIQ_QUOTA_FAIL_MODE: 'OPEN',
      ROUTEIQ_QUOTA_REDIS_TIMEOUT_MS: '100',
      ROUTEIQ_QUOTA_LIMITS_JSON: JSON.stringify([
        { metric: 'requests', window: 'minute', limit: 100 },
        { metric: 'spend_usd', window: 'day', limit: 5.5, subject: 'team' },
        { metric: 'total_tokens', window: 'month', limit: 10, subject: 'key', id: 'k-1' },
      ]),
    });
    expect(config).toEqual({
      enabled: false,
      defaultOutputTokens: 512,
      failMode: 'open',
      redisTimeoutMs: 100,
      rules: [
        { metric: 'requests', window: 'minute', limit: 100 },
        { metric: 'spend_usd', window: 'day', limit: 5.5, subject: 'team' },
        { metric: 'total_tokens', window: 'month', limit: 10, subject: 'key', id: 'k-1' },
      ],
    });
  });

  it('names the variable, the entry and the field of every bad rule', () => {
    const limits = [
      { metric: 'requests', window: 'minute', limit: 1 },
      { metric: 'reqs', window: 'week', limit: 1.5 },
      { metric: 'requests', window: 'minute', limit: 2 },
      { metric: 'spend_usd', window: 'day', limit: -1, id: 'x', extra: true },
      'requests',
    ];
    expect(problemsOf({ ROUTEIQ_QUOTA_LIMITS_JSON: JSON.stringify(limits) })).toEqual([
      'ROUTEIQ_QUOTA_LIMITS_JSON[1].metric: must be one of requests, input_tokens, output_tokens, total_tokens, spend_usd in {"metric":"reqs","window":"week","limit":1.5}',
      'ROUTEIQ_QUOTA_LIMITS_JSON[1].window: must be one of minute, hour, day, month in {"metric":"reqs","window":"week","limit":1.5}',
      'ROUTEIQ_QUOTA_LIMITS_JSON[1].limit: must be an integer >= 0 in {"metric":"reqs","window":"week","limit":1.5}',
      'ROUTEIQ_QUOTA_LIMITS_JSON[2]: repeats the rule of entry [0] {"metric":"requests","window":"minute","limit":2}',
      expect.stringMatching(/^ROUTEIQ_QUOTA_LIMITS_JSON\[3\]\.extra: is not a rule field/),
      expect.stringMatching(
        /^ROUTEIQ_QUOTA_LIMITS_JSON\[3\]\.limit: must be a number of USD >= 0 in /,
      ),
      expect.stringMatching(/^ROUTEIQ_QUOTA_LIMITS_JSON\[3\]\.id: needs a "subject"/),
      'ROUTEIQ_QUOTA_LIMITS_JSON[4]: must be an object such as {"metric":"requests","window":"minute","limit":100} (got "requests")',
    ]);
  });

  it('rejects text that is not a JSON array', () => {
    expect(problemsOf({ ROUTEIQ_QUOTA_LIMITS_JSON: '{"metric":"requests"}' })).toEqual([
      'ROUTEIQ_QUOTA_LIMITS_JSON: must be a JSON array of rules',
    ]);
    expect(problemsOf({ ROUTEIQ_QUOTA_LIMITS_JSON: '[{' })).toEqual([
      expect.stringMatching(/^ROUTEIQ_QUOTA_LIMITS_JSON: is not JSON: SyntaxError/),
    ]);
  });

  it('reports bad scalar variables together with bad rules', () => {
    const problems = problemsOf({
      ROUTEIQ_QUOTA_ENABLED: 'maybe',
      ROUTEIQ_QUOTA_FAIL_MODE: 'sometimes',
      ROUTEIQ_QUOTA_REDIS_TIMEOUT_MS: '0',
      ROUTEIQ_QUOTA_DEFAULT_OUTPUT_TOKENS: 'many',
      ROUTEIQ_QUOTA_LIMITS_JSON:
        '[{"metric":"requests","window":"minute","limit":1,"subject":"org"}]',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^ROUTEIQ_QUOTA_ENABLED: must be true or false/),
      expect.stringMatching(
        /^ROUTEIQ_QUOTA_DEFAULT_OUTPUT_TOKENS: must be an integer >= 0 \(got many\)$/,
      ),
      expect.stringMatching(/^ROUTEIQ_QUOTA_FAIL_MODE: must be open or closed/),
      'ROUTEIQ_QUOTA_REDIS_TIMEOUT_MS: must be an integer number of milliseconds from 1 to 10000 (got 0)',
      expect.stringMatching(
        /^ROUTEIQ_QUOTA_LIMITS_JSON\[0\]\.subject: must be one of team, user, key, ip/,
      ),
    ]);
  });
});
