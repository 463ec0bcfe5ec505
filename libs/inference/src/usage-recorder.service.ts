import { Injectable } from '@nestjs/common';
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
  constructor(private readonly writer: RequestLogWriter) {}

  /** Settles the caller's quota, queues the request-log row, and returns the spend in USD. */
  record(outcome: CallOutcome): number {
    const promptTokens = outcome.usage?.promptTokens ?? 0;
    const completionTokens = outcome.usage?.completionTokens ?? 0;
    const now = performance.now();
    const spend = spendOf(outcome.deployment, promptTokens, completionTokens);
    if (outcome.usage === undefined && outcome.errorCode !== undefined) outcome.admission.release();
    else
      outcome.admission.settle({
        inputTokens: promptTokens,
        outputTokens: completionTokens,
        spendUsd: spend,
      });
    this.writer.record({
      requestId: outcome.requestId,
      createdAt: new Date(),
      endpoint: outcome.endpoint,
      modelGroup: outcome.modelGroup,
      deploymentId: outcome.deployment.id,
      provider: outcome.deployment.provider,
      keyId: outcome.keyId ?? null,
      statusCode: outcome.statusCode,
      stream: outcome.stream,
      promptTokens,
      completionTokens,
      totalTokens: promptTokens + completionTokens,
      spend,
      latencyMs: Math.round(now - outcome.startedAt),
      ttftMs:
        outcome.firstByteAt === undefined
          ? null
          : Math.round(outcome.firstByteAt - outcome.startedAt),
      errorCode: outcome.errorCode ?? null,
    });
    return spend;
  }
}

/** USD cost from `model_info` prices; 0 when the deployment declares none. */
export function spendOf(
  deployment: ResolvedDeployment | undefined,
  promptTokens: number,
  completionTokens: number,
): number {
  const info = deployment?.config.modelInfo;
  if (!info) return 0;
  return (
    promptTokens * (info.input_cost_per_token ?? 0) +
    completionTokens * (info.output_cost_per_token ?? 0)
  );
}
