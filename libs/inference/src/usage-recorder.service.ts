import { Injectable } from '@nestjs/common';
import { CostCalculator, deploymentPrices, usageCost } from '@routeiq/cost';
import { RequestLogWriter } from '@routeiq/persistence';
import type { ResolvedDeployment } from '@routeiq/providers';
import type { Admission } from '@routeiq/security';
import type { InferenceEndpoint, TokenUsage } from './inference-operation';

/**
 * What happened to one inference request. Created once per request and completed in place as the
 * response goes out (no copies on the hot path).
 */
export interface CallOutcome {
  readonly requestId: string;
  readonly endpoint: InferenceEndpoint;
  readonly modelGroup: string;
  /** The deployment of the first choice, then the one that answered. */
  deployment: ResolvedDeployment;
  readonly keyId: string | undefined;
  /** Alias, team and user of the caller's virtual key (`req.principal`): spend attribution. */
  readonly keyAlias?: string;
  readonly teamId?: string;
  readonly userId?: string;
  readonly stream: boolean;
  readonly startedAt: number;
  statusCode: number;
  usage: TokenUsage | undefined;
  firstByteAt: number | undefined;
  errorCode: string | undefined;
  /** Quota reservation and spend accounting of the caller; settled here. */
  readonly admission: Admission;
}

/**
 * Turns outcomes into request-log rows with their cost. `record` only computes a few numbers and
 * hands the row to the batched writer: nothing here waits for the database.
 */
@Injectable()
export class UsageRecorder {
  constructor(
    private readonly writer: RequestLogWriter,
    private readonly costs: CostCalculator,
  ) {}

  /** USD cost of one answer's usage on `deployment`: the `x-routeiq-response-cost` header. */
  costOf(deployment: ResolvedDeployment, usage: TokenUsage | undefined): number {
    return this.costs.costOf(deployment.config, usage).total;
  }

  /** Settles the caller's quota and budgets, queues the request-log row, returns the USD spend. */
  record(outcome: CallOutcome): number {
    const usage = outcome.usage;
    const promptTokens = usage?.promptTokens ?? 0;
    const completionTokens = usage?.completionTokens ?? 0;
    const now = performance.now();
    const cost = this.costs.costOf(outcome.deployment.config, usage);
    if (usage === undefined && outcome.errorCode !== undefined) outcome.admission.release();
    else
      outcome.admission.settle({
        inputTokens: promptTokens,
        outputTokens: completionTokens,
        spendUsd: cost.total,
      });
    this.writer.record({
      requestId: outcome.requestId,
      createdAt: new Date(),
      endpoint: outcome.endpoint,
      modelGroup: outcome.modelGroup,
      deploymentId: outcome.deployment.id,
      provider: outcome.deployment.provider,
      keyId: outcome.keyId ?? null,
      keyAlias: outcome.keyAlias ?? null,
      teamId: outcome.teamId ?? null,
      userId: outcome.userId ?? null,
      statusCode: outcome.statusCode,
      stream: outcome.stream,
      promptTokens,
      completionTokens,
      totalTokens: promptTokens + completionTokens,
      cachedPromptTokens: usage?.cachedPromptTokens ?? 0,
      cacheCreationTokens: usage?.cacheCreationTokens ?? 0,
      reasoningTokens: usage?.reasoningTokens ?? 0,
      // Spelled out: a spread here would build the record through a slower, larger object shape.
      spend: cost.total,
      inputCost: cost.input,
      cacheReadCost: cost.cacheRead,
      cacheCreationCost: cost.cacheCreation,
      outputCost: cost.output,
      latencyMs: Math.round(now - outcome.startedAt),
      ttftMs:
        outcome.firstByteAt === undefined
          ? null
          : Math.round(outcome.firstByteAt - outcome.startedAt),
      errorCode: outcome.errorCode ?? null,
    });
    return cost.total;
  }
}

/**
 * USD cost of an estimated prompt and completion on `deployment` (the admission estimate): the
 * same prices as `UsageRecorder`, without cache or reasoning details.
 */
export function spendOf(
  deployment: ResolvedDeployment | undefined,
  promptTokens: number,
  completionTokens: number,
): number {
  if (!deployment) return 0;
  return usageCost(deploymentPrices(deployment.config), { promptTokens, completionTokens }).total;
}
