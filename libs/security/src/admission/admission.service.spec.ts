import type { GatewayRequest } from '@routeiq/common';
import { InMemoryQuotaCounterStore } from '@routeiq/coordination';
import { GatewayMetrics } from '@routeiq/observability';
import {
  NO_AGENT_RESTRICTIONS,
  NO_MCP_RESTRICTIONS,
  type SpendWriter,
  type VirtualKeyRecord,
} from '@routeiq/persistence';
import { attachResolvedKey } from '../keys/request-identity';
import type { PolicyEnforcer } from '../policy/policy.enforcer';
import { resolveQuotaConfig } from '../quota/quota.config';
import { QuotaException } from '../quota/quota.exception';
import { QuotaService } from '../quota/quota.service';
import type { ScopedKeyLimits } from '../quota/quota.types';
import { AdmissionService } from './admission.service';

const CALL = { inputTokens: 0, outputTokens: 0, spendUsd: 0 };
const T0 = new Date('2026-01-01T00:00:00.000Z');
// Counters are per UTC minute: a fixed clock keeps every call of a test in the same one.
const NOW = Date.UTC(2026, 0, 15, 10, 30, 15);

function keyRecord(rpmLimit: number | null): VirtualKeyRecord {
  return {
    token: 't'.repeat(64),
    keyName: 'sk-...abcd',
    keyAlias: null,
    teamId: null,
    userId: null,
    permissions: [],
    expiresAt: null,
    models: [],
    maxBudget: null,
    budgetDuration: null,
    budgetResetAt: null,
    spend: 0,
    rpmLimit,
    tpmLimit: null,
    blocked: false,
    metadata: {},
    mcp: NO_MCP_RESTRICTIONS,
    agents: NO_AGENT_RESTRICTIONS,
    createdAt: T0,
    updatedAt: T0,
  };
}

function keyRequest(keyId: string, key: VirtualKeyRecord): GatewayRequest {
  const req = { principal: { kind: 'virtual', keyId }, headers: {} } as GatewayRequest;
  attachResolvedKey(req, { key, team: null, keyId, loadedAt: 0 });
  return req;
}

const travel: ScopedKeyLimits = {
  scope: 'a2a:travel',
  label: 'on agent "travel"',
  limits: { rpm: 1 },
};

describe(AdmissionService.name, () => {
  let metrics: GatewayMetrics;
  let admission: AdmissionService;

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    metrics = new GatewayMetrics();
    const quota = new QuotaService(resolveQuotaConfig({}), new InMemoryQuotaCounterStore());
    // admitCall consults neither the policy nor, for a call without spend, the spend writer.
    admission = new AdmissionService({} as PolicyEnforcer, quota, {} as SpendWriter, metrics);
  });

  afterEach(() => jest.restoreAllMocks());

  describe('admitCall with scoped key limits', () => {
    it('refuses the key past its limit in the scope, naming it, and keeps other calls going', async () => {
      const req = keyRequest('vk-1', keyRecord(10));
      (await admission.admitCall(req, CALL, travel)).settle(CALL);

      const refused = await admission.admitCall(req, CALL, travel).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(QuotaException);
      expect((refused as QuotaException).message).toContain('for this key on agent "travel"');
      expect(metrics.prometheusText()).toMatch(
        /routeiq_quota_rejections_total\{subject="key",metric="requests"\} 1/,
      );
      // The same key without the scope, and another key within it, are admitted.
      await expect(admission.admitCall(req, CALL)).resolves.toBeDefined();
      const other = keyRequest('vk-2', keyRecord(10));
      await expect(admission.admitCall(other, CALL, travel)).resolves.toBeDefined();
    });

    it('still counts scoped calls against the key’s own rpm_limit', async () => {
      const req = keyRequest('vk-3', keyRecord(1));
      const loose = { ...travel, limits: { rpm: 100 } };
      (await admission.admitCall(req, CALL, loose)).settle(CALL);
      const refused = await admission.admitCall(req, CALL, loose).catch((e: unknown) => e);
      expect((refused as QuotaException).details).toMatchObject({ subject: 'key', limit: 1 });
      expect((refused as QuotaException).details?.scope).toBeUndefined();
    });

    it('sends the tightest limit, the scoped one, in the quota headers', async () => {
      const req = keyRequest('vk-4', keyRecord(10));
      const admitted = await admission.admitCall(req, CALL, { ...travel, limits: { rpm: 2 } });
      expect(admitted.headers).toMatchObject({
        'x-ratelimit-limit-requests': '2',
        'x-ratelimit-remaining-requests': '1',
      });
      admitted.release();
    });
  });
});
