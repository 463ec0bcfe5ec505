import type { Logger } from '@nestjs/common';
import {
  OVERHEAD_HEADER,
  requestLogFields,
  toGatewayException,
  type GatewayException,
  type GatewayRequest,
} from '@routeiq/common';
import type {
  ProviderCallContext,
  ProviderCapability,
  ResolvedDeployment,
  UpstreamTrace,
} from '@routeiq/providers';
import { lazyRoutingPrompt, type RouteRequest, type RoutingSession } from '@routeiq/routing';
import type { Admission } from '@routeiq/security';
import type {
  InferenceEndpoint,
  InferenceOperation,
  InferenceRequestShape,
} from './inference-operation';
import type { RequestRouting } from './routing-params';
import type { RequestTelemetry } from './telemetry/request-telemetry';
import type { CallOutcome } from './usage-recorder.service';

const DEPLOYMENT_ID_HEADER = 'x-routeiq-deployment-id';
const DEPLOYMENT_HEADER = 'x-routeiq-deployment';
const STRATEGY_HEADER = 'x-routeiq-strategy';
const NO_NEEDS: readonly ProviderCapability[] = [];

/**
 * An answer a routed call hands back instead of writing it (a hosted tool loop turn): filled in
 * with the result and the headers the response would have had.
 */
export class HeldAnswer<TResult> {
  result: TResult | undefined;
  headers: Record<string, string> = {};
}

/** The outcome of one routed call, completed in place as it goes. */
export function newOutcome(
  req: GatewayRequest,
  endpoint: InferenceEndpoint,
  modelGroup: string,
  deployment: ResolvedDeployment,
  stream: boolean,
  startedAt: number,
  admission: Admission,
): CallOutcome {
  return {
    requestId: req.id,
    endpoint,
    modelGroup,
    deployment,
    keyId: req.principal?.keyId,
    keyAlias: req.principal?.keyAlias,
    teamId: req.principal?.teamId,
    userId: req.principal?.userId,
    stream,
    startedAt,
    statusCode: 200,
    usage: undefined,
    firstByteAt: undefined,
    errorCode: undefined,
    admission,
  };
}

/** The routing, quota and overhead headers of an answer; the overhead figure is taken now. */
export function responseHeaders(
  deployment: ResolvedDeployment,
  session: RoutingSession,
  admission: Admission,
  telemetry: RequestTelemetry,
): Record<string, string> {
  const routing: Record<string, string> = {
    [DEPLOYMENT_HEADER]: deployment.id,
    [DEPLOYMENT_ID_HEADER]: deployment.id,
    [STRATEGY_HEADER]: session.strategyName,
  };
  const overhead = telemetry.responseStarting();
  if (overhead !== undefined) routing[OVERHEAD_HEADER] = overhead;
  return admission.headers ? { ...admission.headers, ...routing } : routing;
}

/** The router's view of a request. */
export function routeRequestOf(
  op: InferenceOperation<InferenceRequestShape, object, object>,
  request: InferenceRequestShape,
  routing: RequestRouting,
  req: GatewayRequest,
  stream: boolean,
  tokens: { inputTokens: number; outputTokens: number },
  router: { timeoutSeconds: number | undefined; mayFallBackTo: (group: string) => boolean },
): RouteRequest {
  const timeoutMs = routing.timeoutMs ?? routerTimeoutMs(router.timeoutSeconds);
  return {
    model: request.model,
    capability: op.capability,
    needs: op.needs?.(request) ?? NO_NEEDS,
    preferredId: op.preferredDeployment?.(request),
    stream,
    requestId: req.id,
    keyId: req.principal?.keyId,
    tenant: req.principal?.teamId,
    user: req.principal?.userId ?? userField(request),
    estimatedTokens: tokens.inputTokens + tokens.outputTokens,
    allowsModel: router.mayFallBackTo,
    logFields: () => requestLogFields(req),
    // Built only if the strategy judges the prompt (learned routers).
    prompt: lazyRoutingPrompt(request),
    // Undefined rather than spread in when absent: one object shape, built in one step.
    timeoutMs,
    numRetries: routing.numRetries,
  };
}

export function providerContext(
  deployment: ResolvedDeployment,
  signal: AbortSignal,
  requestId: string,
  trace: UpstreamTrace | undefined,
): ProviderCallContext {
  return trace ? { deployment, signal, requestId, trace } : { deployment, signal, requestId };
}

export function totalTokens(outcome: CallOutcome): number {
  return outcome.usage ? outcome.usage.promptTokens + outcome.usage.completionTokens : 0;
}

export function userField(request: InferenceRequestShape): string | undefined {
  const user = (request as { user?: unknown }).user;
  return typeof user === 'string' && user !== '' ? user : undefined;
}

export function routerTimeoutMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}

/** The deployment's `max_retries` (default 0): retries of one call before any byte is sent. */
export function maxRetriesOf(deployment: ResolvedDeployment): number {
  return deployment.config.litellmParams.max_retries ?? 0;
}

/** A gateway error as is; anything else is logged (scrubbed) and becomes a sanitised 500. */
export function asGatewayException(
  logger: Logger,
  error: unknown,
  requestId: string,
  req?: GatewayRequest,
): GatewayException {
  return toGatewayException(error, { logger, requestId, req, message: 'inference failed' });
}
