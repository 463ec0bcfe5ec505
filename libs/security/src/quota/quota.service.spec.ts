import { InMemoryQuotaCounterStore, type QuotaCounterStore } from '@routeiq/coordination';
import { planCounters } from './quota-plan';
import { NO_QUOTA_RESERVATION } from './quota-reservation';
import { resolveQuotaConfig } from './quota.config';
import { QuotaErrorCode, QuotaException } from './quota.exception';
import { QuotaService } from './quota.service';
import type { QuotaRequest, QuotaRule } from './quota.types';

// 10:30:45.500 UTC: 14.5 s to the end of the minute, 29 min 14.5 s to the end of the hour.
const NOW = Date.UTC(2025, 0, 15, 10, 30, 45, 500);
const ESTIMATE = { inputTokens: 40, outputTokens: 60, spendUsd: 0.25 };

function service(
  store: QuotaCounterStore,
  rules: readonly QuotaRule[] = [],
  env: Record<string, string> = {},
): QuotaService {
  const config = resolveQuotaConfig({ ROUTEIQ_QUOTA_LIMITS_JSON: JSON.stringify(rules), ...env });
  return new QuotaService(config, store);
}

function request(overrides: Partial<QuotaRequest> = {}): QuotaRequest {
  return { subjects: {}, estimate: ESTIMATE, ...overrides };
}

async function refusal(promise: Promise<unknown>): Promise<QuotaException> {
  const error = await promise.then(
    () => new Error('expected a QuotaException'),
    (e: unknown) => e,
  );
  if (!(error instanceof QuotaException)) throw error;
  return error;
}

/** Reads the counters a request would use, in plan order. */
async function countersOf(
  store: QuotaCounterStore,
  rules: readonly QuotaRule[],
  req: QuotaRequest,
): Promise<Record<string, number>> {
  const counters = planCounters(rules, req, Date.now());
  const values = await store.read(counters.map((c) => c.key));
  return Object.fromEntries(counters.map((c, i) => [`${c.subject}.${c.metric}`, values[i] ?? 0]));
}

describe(QuotaService.name, () => {
  let store: InMemoryQuotaCounterStore;

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    store = new InMemoryQuotaCounterStore();
  });

  afterEach(() => jest.restoreAllMocks());

  describe('subject precedence', () => {
    const rules: QuotaRule[] = [{ metric: 'requests', window: 'minute', limit: 2 }];

    it('counts the team when there is one, whoever the user and key', async () => {
      const quotas = service(store, rules);
      await quotas.reserve(request({ subjects: { team: 't1', user: 'u1', key: 'k1', ip: 'a' } }));
      await quotas.reserve(request({ subjects: { team: 't1', user: 'u2', key: 'k2', ip: 'b' } }));

      const third = await refusal(
        quotas.reserve(request({ subjects: { team: 't1', user: 'u3' } })),
      );
      expect(third.details).toMatchObject({ subject: 'team', metric: 'requests', limit: 2 });
      // The users and keys themselves were not counted.
      await expect(quotas.reserve(request({ subjects: { user: 'u1' } }))).resolves.toBeDefined();
      await expect(quotas.reserve(request({ subjects: { key: 'k1' } }))).resolves.toBeDefined();
    });

    it('falls back to the user, then the key, then the client IP', async () => {
      const quotas = service(store, rules);
      for (const subjects of [
        { user: 'u', key: 'k', ip: 'i' },
        { key: 'k', ip: 'i' },
        { ip: 'i' },
      ]) {
        await quotas.reserve(request({ subjects }));
        await quotas.reserve(request({ subjects }));
        const error = await refusal(quotas.reserve(request({ subjects })));
        expect(error.details?.subject).toBe(Object.keys(subjects)[0]);
      }
    });

    it('applies a subject-kind rule only to that kind, and an id rule over a generic one', async () => {
      const quotas = service(store, [
        { metric: 'requests', window: 'minute', limit: 1, subject: 'ip' },
        { metric: 'requests', window: 'hour', limit: 3 },
        { metric: 'requests', window: 'hour', limit: 5, subject: 'team', id: 'big' },
      ]);
      await quotas.reserve(request({ subjects: { ip: '10.0.0.1' } }));
      await expect(
        refusal(quotas.reserve(request({ subjects: { ip: '10.0.0.1' } }))),
      ).resolves.toMatchObject({ details: { window: 'minute', subject: 'ip', limit: 1 } });

      const admitted = async (team: string) => {
        let count = 0;
        while (
          count < 10 &&
          (await quotas.reserve(request({ subjects: { team } })).then(
            () => true,
            () => false,
          ))
        ) {
          count += 1;
        }
        return count;
      };
      await expect(admitted('small')).resolves.toBe(3);
      await expect(admitted('big')).resolves.toBe(5);
    });
  });

  describe('key and team limits', () => {
    it('enforces rpm and tpm of the key in addition to the env rules of its team', async () => {
      const quotas = service(store, [{ metric: 'requests', window: 'minute', limit: 100 }]);
      const req = request({
        subjects: { team: 't', key: 'k' },
        keyLimits: { rpm: 5, tpm: 250 },
      });
      await quotas.reserve(req);
      await quotas.reserve(req);
      const error = await refusal(quotas.reserve(req));
      expect(error.details).toEqual({
        metric: 'total_tokens',
        window: 'minute',
        limit: 250,
        subject: 'key',
        retryAfterSeconds: 15,
      });
      await expect(countersOf(store, [], req)).resolves.toEqual({
        'key.requests': 2,
        'key.total_tokens': 200,
      });
    });

    it("refuses the team's requests once its budget for the period is spent", async () => {
      const budgetPeriod = { startMs: Date.UTC(2025, 0, 13), endMs: Date.UTC(2025, 0, 20) };
      const quotas = service(store);
      const req = request({
        subjects: { team: 't', key: 'k' },
        teamLimits: { maxBudget: 1, budgetPeriod },
      });
      const first = await quotas.reserve(req);
      await first.settle({ inputTokens: 10, outputTokens: 10, spendUsd: 0.8 });
      const second = await quotas.reserve({ ...req, estimate: { ...ESTIMATE, spendUsd: 0.2 } });
      await second.settle({ ...ESTIMATE, spendUsd: 0.2 });

      const error = await refusal(
        quotas.reserve(request({ ...req, estimate: { ...ESTIMATE, spendUsd: 0 } })),
      );
      expect(error.status).toBe(429);
      expect(error.details).toEqual({
        metric: 'spend_usd',
        window: 'budget',
        limit: 1,
        subject: 'team',
        retryAfterSeconds: (budgetPeriod.endMs - NOW) / 1000 + 0.5,
      });
      expect(error.message).toBe(
        `Quota exceeded: spend_usd per budget period for this team is limited to $1; retry in ${error.retryAfterSeconds} s`,
      );
    });

    it('gives a lifetime budget no retry-after', async () => {
      const quotas = service(store);
      const req = request({ subjects: { key: 'k' }, keyLimits: { maxBudget: 0.1 } });
      const error = await refusal(quotas.reserve(req));
      expect(error.retryAfterSeconds).toBeUndefined();
      expect(error.headers).toEqual({});
    });
  });

  it('renders quota_exceeded as a 429 rate_limit_error with Retry-After', async () => {
    const quotas = service(store, [{ metric: 'requests', window: 'minute', limit: 0 }]);
    const error = await refusal(quotas.reserve(request({ subjects: { user: 'u' } })));
    expect(error).toMatchObject({
      status: 429,
      code: QuotaErrorCode.QuotaExceeded,
      type: 'rate_limit_error',
      message:
        'Quota exceeded: requests per minute for this user is limited to 0 requests; retry in 15 s',
      headers: { 'retry-after': '15' },
      retryAfterSeconds: 15,
    });
  });

  it('sends the tightest request and token limits as x-ratelimit headers', async () => {
    const quotas = service(store, [
      { metric: 'requests', window: 'minute', limit: 10 },
      { metric: 'requests', window: 'hour', limit: 4 },
      { metric: 'input_tokens', window: 'minute', limit: 1000 },
      { metric: 'total_tokens', window: 'hour', limit: 1050 },
    ]);
    const reservation = await quotas.reserve(
      request({ subjects: { team: 't', key: 'k' }, keyLimits: { rpm: 3 } }),
    );
    expect(reservation.headers()).toEqual({
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '2',
      'x-ratelimit-reset-requests': '15s',
      'x-ratelimit-limit-tokens': '1050',
      'x-ratelimit-remaining-tokens': '950',
      'x-ratelimit-reset-tokens': '29m15s',
    });
  });

  it('settles every counter to actual usage, once', async () => {
    const rules: QuotaRule[] = [
      { metric: 'input_tokens', window: 'day', limit: 10_000 },
      { metric: 'output_tokens', window: 'day', limit: 10_000 },
      { metric: 'spend_usd', window: 'month', limit: 100 },
    ];
    const quotas = service(store, rules);
    const req = request({ subjects: { user: 'u', key: 'k' }, keyLimits: { tpm: 1000 } });
    const reservation = await quotas.reserve(req);
    await expect(countersOf(store, rules, req)).resolves.toEqual({
      'user.input_tokens': 40,
      'user.output_tokens': 60,
      'user.spend_usd': 250_000,
      'key.total_tokens': 100,
    });

    await reservation.settle({ inputTokens: 35, outputTokens: 7, spendUsd: 0.012345 });
    await reservation.settle({ inputTokens: 999, outputTokens: 999, spendUsd: 9 });
    await reservation.release();
    await expect(countersOf(store, rules, req)).resolves.toEqual({
      'user.input_tokens': 35,
      'user.output_tokens': 7,
      'user.spend_usd': 12_345,
      'key.total_tokens': 42,
    });
  });

  it('release refunds tokens and spend but keeps the request counted', async () => {
    const rules: QuotaRule[] = [
      { metric: 'requests', window: 'minute', limit: 10 },
      { metric: 'total_tokens', window: 'minute', limit: 10_000 },
      { metric: 'spend_usd', window: 'day', limit: 10 },
    ];
    const quotas = service(store, rules);
    const req = request({ subjects: { ip: '1.2.3.4' } });
    await (await quotas.reserve(req)).release();
    await expect(countersOf(store, rules, req)).resolves.toEqual({
      'ip.requests': 1,
      'ip.total_tokens': 0,
      'ip.spend_usd': 0,
    });
  });

  it('returns the shared no-op reservation without touching the store when no limit applies', async () => {
    const reserve = jest.spyOn(store, 'reserve');
    const quotas = service(store, [
      { metric: 'requests', window: 'minute', limit: 1, subject: 'team' },
    ]);
    const disabled = service(store, [{ metric: 'requests', window: 'minute', limit: 0 }], {
      ROUTEIQ_QUOTA_ENABLED: 'false',
    });

    const results = await Promise.all([
      service(store).reserve(request({ subjects: { key: 'k', ip: 'i' } })),
      quotas.reserve(request({ subjects: { user: 'u' } })),
      quotas.reserve(request({ subjects: {}, keyLimits: { rpm: 1 } })),
      disabled.reserve(request({ subjects: { key: 'k' }, keyLimits: { rpm: 0 } })),
    ]);
    expect(results.every((r) => r === NO_QUOTA_RESERVATION)).toBe(true);
    expect(NO_QUOTA_RESERVATION.headers()).toEqual({});
    await expect(NO_QUOTA_RESERVATION.settle(ESTIMATE)).resolves.toBeUndefined();
    expect(reserve).not.toHaveBeenCalled();
  });

  it('estimates output tokens from max_tokens, else the configured default', () => {
    const quotas = service(store, [], { ROUTEIQ_QUOTA_DEFAULT_OUTPUT_TOKENS: '300' });
    expect(quotas.outputTokensEstimate(50)).toBe(50);
    expect(quotas.outputTokensEstimate(undefined)).toBe(300);
    expect(quotas.outputTokensEstimate(null)).toBe(300);
    expect(service(store).outputTokensEstimate(undefined)).toBe(256);
  });
});
