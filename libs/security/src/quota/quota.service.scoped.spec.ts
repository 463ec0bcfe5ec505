import { InMemoryQuotaCounterStore } from '@routeiq/coordination';
import { planCounters } from './quota-plan';
import { NO_QUOTA_RESERVATION } from './quota-reservation';
import { resolveQuotaConfig } from './quota.config';
import { QuotaErrorCode, QuotaException } from './quota.exception';
import { QuotaService } from './quota.service';
import type { QuotaRequest, ScopedKeyLimits } from './quota.types';

// 10:30:45.500 UTC: 14.5 s to the end of the minute.
const NOW = Date.UTC(2025, 0, 15, 10, 30, 45, 500);
const CALL = { inputTokens: 0, outputTokens: 0, spendUsd: 0 };

function scope(agentId: string, rpm: number): ScopedKeyLimits {
  return { scope: `a2a:${agentId}`, label: `on agent "${agentId}"`, limits: { rpm } };
}

function call(key: string | undefined, scoped?: ScopedKeyLimits, keyRpm?: number): QuotaRequest {
  return {
    subjects: key === undefined ? { ip: '10.0.0.1' } : { key, ip: '10.0.0.1' },
    ...(keyRpm !== undefined && { keyLimits: { rpm: keyRpm } }),
    ...(scoped && { scopedKeyLimits: scoped }),
    estimate: CALL,
  };
}

async function refusal(promise: Promise<unknown>): Promise<QuotaException> {
  const error = await promise.then(
    () => new Error('expected a QuotaException'),
    (e: unknown) => e,
  );
  if (!(error instanceof QuotaException)) throw error;
  return error;
}

describe(`${QuotaService.name} scoped key limits`, () => {
  let store: InMemoryQuotaCounterStore;
  let quotas: QuotaService;

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    store = new InMemoryQuotaCounterStore();
    quotas = new QuotaService(resolveQuotaConfig({}), store);
  });

  afterEach(() => jest.restoreAllMocks());

  it('counts a key’s calls within one scope apart from its own rpm and from other scopes', async () => {
    const travel = scope('travel', 2);
    await quotas.reserve(call('k1', travel, 10));
    await quotas.reserve(call('k1', travel, 10));

    const third = await refusal(quotas.reserve(call('k1', travel, 10)));
    expect(third.details).toEqual({
      metric: 'requests',
      window: 'minute',
      limit: 2,
      subject: 'key',
      scope: 'on agent "travel"',
      retryAfterSeconds: 15,
    });
    // The same key elsewhere, and another key on the same scope, go on.
    await expect(quotas.reserve(call('k1', scope('hr', 2), 10))).resolves.toBeDefined();
    await expect(quotas.reserve(call('k1', undefined, 10))).resolves.toBeDefined();
    await expect(quotas.reserve(call('k2', travel, 10))).resolves.toBeDefined();
    // k1's own counter holds its four admitted calls (the refused one was not counted).
    const own = planCounters([], call('k1', undefined, 10), NOW);
    await expect(store.read(own.map((c) => c.key))).resolves.toEqual([4]);
  });

  it('names the scope in the 429 message', async () => {
    const blocked = scope('travel', 0);
    const error = await refusal(quotas.reserve(call('k1', blocked)));
    expect(error).toMatchObject({
      status: 429,
      code: QuotaErrorCode.QuotaExceeded,
      type: 'rate_limit_error',
      message:
        'Quota exceeded: requests per minute for this key on agent "travel" is limited to 0 requests; retry in 15 s',
      headers: { 'retry-after': '15' },
    });
  });

  it('still applies the key’s own rpm to calls within a scope, without naming the scope', async () => {
    await quotas.reserve(call('k1', scope('travel', 10), 1));
    const error = await refusal(quotas.reserve(call('k1', scope('travel', 10), 1)));
    expect(error.details).toMatchObject({ subject: 'key', limit: 1 });
    expect(error.details?.scope).toBeUndefined();
    expect(error.message).toContain('for this key is limited to 1 requests');
  });

  it('enforces scoped limits without any rule or key limit, and reports the tightest', async () => {
    const reservation = await quotas.reserve(call('k1', scope('travel', 3), 50));
    expect(reservation.headers()).toMatchObject({
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '2',
    });
    await quotas.reserve(call('k1', scope('travel', 3)));
    await quotas.reserve(call('k1', scope('travel', 3)));
    await expect(refusal(quotas.reserve(call('k1', scope('travel', 3))))).resolves.toBeDefined();
  });

  it('ignores scoped limits of a request without a key', async () => {
    const reserve = jest.spyOn(store, 'reserve');
    const reservation = await quotas.reserve(call(undefined, scope('travel', 0)));
    expect(reservation).toBe(NO_QUOTA_RESERVATION);
    expect(reserve).not.toHaveBeenCalled();
  });

  it('plans the scoped counter under its own key', () => {
    const [counter] = planCounters([], call('k1', scope('travel', 2)), NOW);
    expect(counter).toMatchObject({
      key: `key:k1@${encodeURIComponent('a2a:travel')}:requests:minute:${Date.UTC(2025, 0, 15, 10, 30)}`,
      subject: 'key',
      scope: 'on agent "travel"',
      limit: 2,
    });
  });
});
