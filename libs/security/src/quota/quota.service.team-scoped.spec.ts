import { InMemoryQuotaCounterStore } from '@routeiq/coordination';
import { planCounters } from './quota-plan';
import { resolveQuotaConfig } from './quota.config';
import { QuotaErrorCode, QuotaException } from './quota.exception';
import { QuotaService } from './quota.service';
import type { QuotaRequest, SubjectLimits } from './quota.types';

// 10:30:45.500 UTC: 14.5 s to the end of the minute.
const NOW = Date.UTC(2025, 0, 15, 10, 30, 45, 500);
const CALL = { inputTokens: 0, outputTokens: 0, spendUsd: 0 };

/** A call of `key` (of `team`) to agent `agentId`, with the per-agent rates of the key and team. */
function call(
  key: string,
  team: string | undefined,
  rates: { key?: number; team?: number; agentId?: string },
): QuotaRequest {
  const agentId = rates.agentId ?? 'travel';
  const limits: SubjectLimits = rates.key === undefined ? {} : { rpm: rates.key };
  return {
    subjects: team === undefined ? { key } : { key, team },
    scopedKeyLimits: {
      scope: `a2a:${agentId}`,
      label: `on agent "${agentId}"`,
      limits,
      ...(rates.team !== undefined && { teamLimits: { rpm: rates.team } }),
    },
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

describe(`${QuotaService.name} scoped team limits`, () => {
  let store: InMemoryQuotaCounterStore;
  let quotas: QuotaService;

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    store = new InMemoryQuotaCounterStore();
    quotas = new QuotaService(resolveQuotaConfig({}), store);
  });

  afterEach(() => jest.restoreAllMocks());

  it('counts a team’s limit on an agent over all its keys, and names the team and agent', async () => {
    await quotas.reserve(call('k1', 't1', { team: 2 }));
    await quotas.reserve(call('k2', 't1', { team: 2 }));

    const third = await refusal(quotas.reserve(call('k1', 't1', { team: 2 })));
    expect(third.details).toEqual({
      metric: 'requests',
      window: 'minute',
      limit: 2,
      subject: 'team',
      scope: 'on agent "travel"',
      retryAfterSeconds: 15,
    });
    expect(third).toMatchObject({
      status: 429,
      code: QuotaErrorCode.QuotaExceeded,
      message:
        'Quota exceeded: requests per minute for this team on agent "travel" is limited to 2 requests; retry in 15 s',
      headers: { 'retry-after': '15' },
    });
  });

  it('leaves other teams, keys without a team and other agents alone', async () => {
    await quotas.reserve(call('k1', 't1', { team: 1 }));
    await expect(refusal(quotas.reserve(call('k2', 't1', { team: 1 })))).resolves.toBeDefined();

    await expect(quotas.reserve(call('k3', 't2', { team: 1 }))).resolves.toBeDefined();
    await expect(quotas.reserve(call('k4', undefined, { team: 1 }))).resolves.toBeDefined();
    await expect(
      quotas.reserve(call('k1', 't1', { team: 1, agentId: 'hr' })),
    ).resolves.toBeDefined();
  });

  it('lets a key’s own limit narrow the team’s, naming the key', async () => {
    await quotas.reserve(call('k1', 't1', { key: 1, team: 5 }));
    const key = await refusal(quotas.reserve(call('k1', 't1', { key: 1, team: 5 })));
    expect(key.details).toMatchObject({ subject: 'key', limit: 1, scope: 'on agent "travel"' });
    expect(key.message).toContain('for this key on agent "travel" is limited to 1 requests');
    // The refused call took nothing from the team: 1 of 5 used, 4 left for the other keys.
    for (const k of ['k2', 'k3', 'k4', 'k5']) await quotas.reserve(call(k, 't1', { team: 5 }));
    const team = await refusal(quotas.reserve(call('k6', 't1', { team: 5 })));
    expect(team.details).toMatchObject({ subject: 'team', limit: 5 });
  });

  it('keeps the team’s scoped counter apart from its plain one, even for a look-alike team id', () => {
    const scoped = planCounters([], call('k1', 't', { team: 2 }), NOW);
    const lookalike = planCounters(
      [],
      { subjects: { key: 'k1', team: 't@a2a:travel' }, teamLimits: { rpm: 2 }, estimate: CALL },
      NOW,
    );
    const teamKey = scoped.find((c) => c.subject === 'team')?.key;
    expect(teamKey).toBe(
      `team:t@${encodeURIComponent('a2a:travel')}:requests:minute:${Date.UTC(2025, 0, 15, 10, 30)}`,
    );
    expect(lookalike.map((c) => c.key)).not.toContain(teamKey);
  });
});
