import { GatewayMetrics } from '@routeiq/observability';
import { Injectable } from '@nestjs/common';
import { clientIpOf, type GatewayRequest } from '@routeiq/common';
import { SpendWriter } from '@routeiq/persistence';
import { currentBudgetPeriod } from '../keys/budget-period';
import { resolvedKeyOf } from '../keys/request-identity';
import type { ResolvedKey } from '../keys/resolved-key';
import { OutboundException, SsrfBlockReason } from '../outbound/outbound.exception';
import { PolicyEnforcer } from '../policy/policy.enforcer';
import { QuotaException } from '../quota/quota.exception';
import { QuotaService } from '../quota/quota.service';
import type {
  QuotaRequest,
  QuotaReservation,
  ScopedKeyLimits,
  SubjectLimits,
} from '../quota/quota.types';
import { SecurityException } from '../security.exception';
import type { Admission, ActualUsage, UsageEstimate } from './admission.types';
import { keyAllowsModel } from './model-access';

const CLIENT_UPSTREAM_FIELDS = ['api_base', 'base_url'] as const;

/**
 * Everything that decides whether a model (or tool, or agent) call may run, after authentication:
 * the key's model access, the policy with the model known, budgets and quotas (reserved now,
 * reconciled when the call ends), and spend accounting.
 */
@Injectable()
export class AdmissionService {
  constructor(
    private readonly policy: PolicyEnforcer,
    private readonly quota: QuotaService,
    private readonly spend: SpendWriter,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** Output tokens to reserve: `max_tokens`, else `ROUTEIQ_QUOTA_DEFAULT_OUTPUT_TOKENS`. */
  outputTokensEstimate(maxTokens: number | undefined): number {
    return this.quota.outputTokensEstimate(maxTokens);
  }

  /** May this caller use `model`? (For listings: no policy, no quota.) */
  allowsModel(req: GatewayRequest, model: string): boolean {
    return keyAllowsModel(resolvedKeyOf(req), model);
  }

  /**
   * May this caller's request move on to `model` (a fallback group)? Model access and the policy,
   * as for the model it asked for: a fallback never reaches a model the caller could not call.
   */
  mayFallBackTo(req: GatewayRequest, model: string): boolean {
    try {
      this.authorize(req, model);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A client-supplied upstream URL would let any caller make the gateway connect anywhere (SSRF)
   * with the operator's credentials: refused.
   */
  refuseClientUpstream(body: Readonly<Record<string, unknown>>): void {
    for (const field of CLIENT_UPSTREAM_FIELDS) {
      if (body[field] !== undefined) {
        throw OutboundException.blocked(
          SsrfBlockReason.ClientApiBase,
          `"${field}" in the request body is not accepted; upstreams come from the gateway config`,
        );
      }
    }
  }

  /**
   * Model access and the policy's final decision, without a quota reservation: for calls that use
   * no upstream tokens (token counting).
   */
  authorize(req: GatewayRequest, model: string): void {
    if (!keyAllowsModel(resolvedKeyOf(req), model)) throw SecurityException.modelNotAllowed(model);
    this.policy.enforce(req, model);
  }

  async admit(req: GatewayRequest, model: string, estimate: UsageEstimate): Promise<Admission> {
    this.authorize(req, model);
    return this.admitCall(req, estimate);
  }

  /**
   * Budget and quota only, for a call that names no model (an MCP tool call: one request, no
   * tokens); the caller checked its own access rules. Reconciled like `admit`. `scoped` adds the
   * key's limits for one target (an A2A agent's per-key rate), counted apart from its own.
   */
  async admitCall(
    req: GatewayRequest,
    estimate: UsageEstimate,
    scoped?: ScopedKeyLimits,
  ): Promise<Admission> {
    const resolved = resolvedKeyOf(req);
    try {
      if (resolved) assertBudgetLeft(resolved);
      const request = quotaRequest(req, resolved, estimate);
      const reservation = await this.quota.reserve(
        scoped ? { ...request, scopedKeyLimits: scoped } : request,
      );
      return new ReservedAdmission(reservation, resolved, this.spend);
    } catch (error) {
      if (error instanceof QuotaException && error.details) {
        this.metrics.quotaRejected(error.details.subject, error.details.metric);
      }
      throw error;
    }
  }
}

class ReservedAdmission implements Admission {
  readonly headers: Readonly<Record<string, string>> | undefined;
  private done = false;

  constructor(
    private readonly reservation: QuotaReservation,
    private readonly resolved: ResolvedKey | undefined,
    private readonly spend: SpendWriter,
  ) {
    const headers = reservation.headers();
    this.headers = Object.keys(headers).length > 0 ? headers : undefined;
  }

  settle(actual: ActualUsage): void {
    if (this.done) return;
    this.done = true;
    void this.reservation.settle(actual);
    const key = this.resolved?.key;
    if (key && actual.spendUsd > 0) {
      this.spend.add({
        keyToken: key.token,
        ...(key.teamId !== null && { teamId: key.teamId }),
        ...(key.userId !== null && { userId: key.userId }),
        amount: actual.spendUsd,
      });
    }
  }

  release(): void {
    if (this.done) return;
    this.done = true;
    void this.reservation.release();
  }
}

/**
 * The persisted spend is checked too: counters held in memory (single node) start from zero
 * after a restart, the database does not.
 */
function assertBudgetLeft({ key, team }: ResolvedKey): void {
  if (overBudget(key)) throw budgetExceeded('key', key);
  if (team && overBudget(team)) throw budgetExceeded('team', team);
}

/** Only spend of the current period counts (a rolled period not yet reset in the database is 0). */
function overBudget(record: LimitedRecord): boolean {
  if (record.maxBudget === null || record.spend < record.maxBudget) return false;
  return record.budgetResetAt === null || record.budgetResetAt.getTime() > Date.now();
}

function budgetExceeded(subject: 'key' | 'team', record: LimitedRecord): QuotaException {
  const now = Date.now();
  const period = currentBudgetPeriod(record.budgetDuration, record.budgetResetAt, now);
  return QuotaException.quotaExceeded({
    metric: 'spend_usd',
    window: 'budget',
    limit: record.maxBudget ?? 0,
    subject,
    retryAfterSeconds: period ? Math.max(1, Math.ceil((period.endMs - now) / 1000)) : undefined,
  });
}

type LimitedRecord = ResolvedKey['key'] | NonNullable<ResolvedKey['team']>;

/** Limits of a cached key or team record, computed once per budget period, not per request. */
const limitsByRecord = new WeakMap<LimitedRecord, SubjectLimits>();

function limitsOf(record: LimitedRecord): SubjectLimits {
  const now = Date.now();
  const cached = limitsByRecord.get(record);
  if (cached && (cached.budgetPeriod === undefined || now < cached.budgetPeriod.endMs)) {
    return cached;
  }
  const period = currentBudgetPeriod(record.budgetDuration, record.budgetResetAt, now);
  const limits: SubjectLimits = {
    ...(record.rpmLimit !== null && { rpm: record.rpmLimit }),
    ...(record.tpmLimit !== null && { tpm: record.tpmLimit }),
    ...(record.maxBudget !== null && { maxBudget: record.maxBudget }),
    ...(period && { budgetPeriod: period }),
  };
  limitsByRecord.set(record, limits);
  return limits;
}

function quotaRequest(
  req: GatewayRequest,
  resolved: ResolvedKey | undefined,
  estimate: UsageEstimate,
): QuotaRequest {
  const key = resolved?.key;
  const ip = clientIpOf(req);
  return {
    subjects: {
      ...(key?.teamId && { team: key.teamId }),
      ...(key?.userId && { user: key.userId }),
      ...(req.principal && { key: req.principal.keyId }),
      ...(ip && { ip }),
    },
    ...(key && { keyLimits: limitsOf(key) }),
    ...(resolved?.team && { teamLimits: limitsOf(resolved.team) }),
    estimate,
  };
}
