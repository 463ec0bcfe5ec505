import { createHash } from 'node:crypto';
import type { RouterTraceRecord } from '@routeiq/persistence';
import type { ResolvedDeployment } from '@routeiq/providers';
import type { RouterDecision } from '../decision/router-decision';
import type { DecisionSubject } from '../decision/router-decision.log';
import type { RouteCompletion, RouteRequest } from '../execution/route-request';
import { routerCandidateOf } from '../ml/strategy/deployment-facts';

const LEARNED_STRATEGY_PREFIX = 'llmrouter-';

interface TokenSplit {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

function keyIdOf(request: RouteRequest): string | null {
  return request.keyId ?? null;
}

function usageOf(completion: RouteCompletion | undefined): TokenSplit | undefined {
  return completion?.usage;
}

/**
 * The name a learned router knows a deployment by (what `candidateIndexOf` matches first among
 * the deployment's own names): `model_info.router_candidate`, else the model id without its
 * provider prefix, else the model group.
 */
export function routerCandidateNameOf(deployment: ResolvedDeployment): string {
  return routerCandidateOf(deployment) ?? (deployment.upstreamModel || deployment.modelName);
}

/** USD for the answer at the deployment's `model_info` prices (0 without prices). */
function spendOf(deployment: ResolvedDeployment, usage: TokenSplit): number {
  const info = deployment.config.modelInfo;
  return (
    usage.promptTokens * (info.input_cost_per_token ?? 0) +
    usage.completionTokens * (info.output_cost_per_token ?? 0)
  );
}

/**
 * The trace row of an answered request, or undefined for one that failed. The prompt text is
 * kept only with `keepPrompt`; its SHA-256 always (when the request had text), so ratings can be
 * matched to repeated prompts without the text.
 */
export function traceRecordOf(
  decision: RouterDecision,
  subject: DecisionSubject,
  keepPrompt: boolean,
): RouterTraceRecord | undefined {
  const deployment = subject.servedDeployment;
  if (decision.outcome !== 'success' || deployment === undefined) return undefined;
  const { request, completion } = subject;
  const usage = usageOf(completion);
  const prompt = request.prompt?.();
  return {
    requestId: decision.request_id,
    createdAt: new Date(decision.timestamp),
    keyId: keyIdOf(request),
    teamId: request.tenant ?? null,
    modelGroup: decision.model_group,
    deploymentId: deployment.id,
    routerCandidate: decision.strategy.startsWith(LEARNED_STRATEGY_PREFIX)
      ? routerCandidateNameOf(deployment)
      : null,
    strategy: decision.strategy,
    strategyVersion: decision.strategy_version,
    outcome: decision.outcome,
    latencyMs: decision.timings.total_ms,
    promptTokens: usage?.promptTokens ?? null,
    completionTokens: usage?.completionTokens ?? null,
    totalTokens: completion?.tokens ?? 0,
    spend: usage ? spendOf(deployment, usage) : null,
    prompt: keepPrompt && prompt !== undefined ? prompt : null,
    promptSha256: prompt === undefined ? null : createHash('sha256').update(prompt).digest('hex'),
  };
}
