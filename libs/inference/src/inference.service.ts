import { Injectable, Logger } from '@nestjs/common';
import {
  CommonErrorCode,
  CommonException,
  GatewayException,
  OVERHEAD_HEADER,
  requestLogFields,
  scrubSecrets,
  sendJson,
  type GatewayRequest,
  type GatewayResponse,
} from '@routeiq/common';
import {
  ProviderRegistry,
  toJson,
  type ProviderAdapter,
  type ProviderCallContext,
  type ProviderCapability,
  type UpstreamTrace,
  type ResolvedDeployment,
} from '@routeiq/providers';
import { RouterService, type RoutingSession } from '@routeiq/routing';
import { AdmissionService, type Admission } from '@routeiq/security';
import type { InferenceOperation, InferenceRequestShape } from './inference-operation';
import { takeRoutingParams, type RequestRouting } from './routing-params';
import { StreamRelay } from './stream-relay';
import { openUpstreamCall, type UpstreamCall } from './upstream-call';
import { withRetries } from './upstream-retry';
import { InferenceTelemetry } from './telemetry/inference-telemetry.service';
import type { RequestTelemetry } from './telemetry/request-telemetry';
import { estimateTokens } from './usage-estimate';
import { spendOf, UsageRecorder, type CallOutcome } from './usage-recorder.service';

const NO_NEEDS: readonly ProviderCapability[] = [];

/**
 * The request path for every inference endpoint: parse → route (retries, fallbacks) → call the
 * provider → write the answer (JSON, or SSE chunks as they arrive) → hand the outcome to the
 * usage recorder. Nothing here waits on anything but the upstream.
 */
@Injectable()
export class InferenceService {
  private readonly logger = new Logger('Inference');
  private readonly relay: StreamRelay;
  private readonly estimateOutput = (maxTokens: number | undefined): number =>
    this.admission.outputTokensEstimate(maxTokens);

  constructor(
    private readonly router: RouterService,
    private readonly providers: ProviderRegistry,
    private readonly recorder: UsageRecorder,
    private readonly admission: AdmissionService,
    private readonly telemetry: InferenceTelemetry,
  ) {
    this.relay = new StreamRelay((error, requestId) => this.asGatewayException(error, requestId));
  }

  async run<TRequest extends InferenceRequestShape, TResult extends object, TChunk extends object>(
    op: InferenceOperation<TRequest, TResult, TChunk>,
    body: unknown,
    req: GatewayRequest,
    res: GatewayResponse,
  ): Promise<void> {
    const startedAt = performance.now();
    const { request, routing } = takeRoutingParams(op.parse(body));
    this.admission.refuseClientUpstream(body as Record<string, unknown>);
    const streaming = request.stream === true && op.stream !== undefined;
    const tokens = estimateTokens(req, request, this.estimateOutput);
    const session = this.begin(op, request, routing, req, streaming, tokens);
    const first = session.firstDeployment;
    req.served = { model: session.decision.model_group, stream: streaming };
    const admission = await this.admission.admit(req, request.model, {
      ...tokens,
      spendUsd: spendOf(first, tokens.inputTokens, tokens.outputTokens),
    });
    const outcome: CallOutcome = {
      requestId: req.id,
      endpoint: op.endpoint,
      modelGroup: request.model,
      deployment: first,
      keyId: req.principal?.keyId,
      stream: streaming,
      startedAt,
      statusCode: 200,
      usage: undefined,
      firstByteAt: undefined,
      errorCode: undefined,
      admission,
    };
    const telemetry = this.telemetry.begin(op.endpoint, request, req, streaming, session);
    const call = openUpstreamCall(res);
    try {
      if (streaming) await this.streamed(op, request, session, call, res, outcome, telemetry);
      else await this.unary(op, request, session, call, res, outcome, telemetry);
    } catch (error) {
      // The error response is written by the filter: its overhead figure leaves out retry waits.
      if (!res.headersSent) telemetry.responseStarting();
      const failure = this.asGatewayException(error, req.id, req);
      outcome.statusCode = failure.status;
      outcome.errorCode = failure.code;
      session.finish({ ok: false, tokens: 0 });
      telemetry.finish(outcome, this.recorder.record(outcome));
      throw failure;
    } finally {
      call.dispose();
    }
  }

  private begin(
    op: InferenceOperation<InferenceRequestShape, object, object>,
    request: InferenceRequestShape,
    routing: RequestRouting,
    req: GatewayRequest,
    stream: boolean,
    tokens: { inputTokens: number; outputTokens: number },
  ): RoutingSession {
    const timeoutMs = routing.timeoutMs ?? routerTimeoutMs(this.router.settings.timeout);
    return this.router.begin({
      model: request.model,
      capability: op.capability,
      needs: op.needs?.(request) ?? NO_NEEDS,
      preferredId: op.preferredDeployment?.(request),
      stream,
      requestId: req.id,
      tenant: req.principal?.teamId,
      user: req.principal?.userId ?? userField(request),
      estimatedTokens: tokens.inputTokens + tokens.outputTokens,
      allowsModel: (group) => this.admission.mayFallBackTo(req, group),
      logFields: () => requestLogFields(req),
      ...(timeoutMs !== undefined && { timeoutMs }),
      ...(routing.numRetries !== undefined && { numRetries: routing.numRetries }),
    });
  }

  private async unary<
    TRequest extends InferenceRequestShape,
    TResult extends object,
    TChunk extends object,
  >(
    op: InferenceOperation<TRequest, TResult, TChunk>,
    request: TRequest,
    session: RoutingSession,
    call: UpstreamCall,
    res: GatewayResponse,
    outcome: CallOutcome,
    telemetry: RequestTelemetry,
  ): Promise<void> {
    const adapterFor = this.adapterFor(request);
    const { value: result, deployment } = await session.run(
      (target, signal) =>
        telemetry.call(target, (trace) =>
          withRetries(
            () =>
              op.call(
                adapterFor(target),
                request,
                context(target, signal, outcome.requestId, trace),
              ),
            maxRetriesOf(target),
            signal,
          ),
        ),
      call.signal,
    );
    outcome.deployment = deployment;
    telemetry.trace?.answered(result);
    const headers = responseHeaders(deployment, session, outcome.admission, telemetry);
    sendJson(res, 200, toJson(result), headers);
    outcome.usage = op.usage(result);
    session.finish({ ok: true, tokens: totalTokens(outcome) });
    telemetry.finish(outcome, this.recorder.record(outcome));
  }

  private async streamed<
    TRequest extends InferenceRequestShape,
    TResult extends object,
    TChunk extends object,
  >(
    op: InferenceOperation<TRequest, TResult, TChunk>,
    request: TRequest,
    session: RoutingSession,
    call: UpstreamCall,
    res: GatewayResponse,
    outcome: CallOutcome,
    telemetry: RequestTelemetry,
  ): Promise<void> {
    const adapterFor = this.adapterFor(request);
    const upstreamRequest = this.relay.upstreamRequest(request);
    // Nothing is sent before the first content arrives: until then a failure (an error status,
    // an error event after a 200, a stream that just closes) moves on to another deployment.
    const { value: opened, deployment } = await session.run(
      (target, signal) =>
        telemetry.call(target, (trace) =>
          withRetries(
            async () =>
              this.relay.open(
                await op.stream!(
                  adapterFor(target),
                  upstreamRequest,
                  context(target, signal, outcome.requestId, trace),
                ),
                op,
                target.id,
              ),
            maxRetriesOf(target),
            signal,
          ),
        ),
      call.signal,
    );
    outcome.deployment = deployment;
    const failure = await this.relay.pipe(
      op,
      request,
      opened,
      res,
      call,
      outcome,
      responseHeaders(deployment, session, outcome.admission, telemetry),
      telemetry.trace ? (chunk) => telemetry.chunk(chunk) : undefined,
    );
    session.finish({
      ok: failure === undefined,
      tokens: totalTokens(outcome),
      firstByteAt: outcome.firstByteAt,
      ...(failure !== undefined && !call.clientGone() && { error: failure }),
    });
    telemetry.finish(outcome, this.recorder.record(outcome));
  }

  /** LiteLLM's per-request `mock_response`: answered offline by the mock provider. */
  private adapterFor(request: InferenceRequestShape): (d: ResolvedDeployment) => ProviderAdapter {
    const mock = typeof request.mock_response === 'string' ? this.providers.get('mock') : undefined;
    return mock ? () => mock : (deployment) => deployment.adapter;
  }

  private asGatewayException(
    error: unknown,
    requestId: string,
    req?: GatewayRequest,
  ): GatewayException {
    if (error instanceof GatewayException) return error;
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const fields = req ? requestLogFields(req) : { request_id: requestId };
    this.logger.error({ ...fields, err: scrubSecrets(detail) }, 'inference failed');
    return new CommonException({
      status: 500,
      code: CommonErrorCode.Internal,
      type: 'server_error',
      message: `Internal server error (request id ${requestId})`,
    });
  }
}

const DEPLOYMENT_ID_HEADER = 'x-routeiq-deployment-id';
const DEPLOYMENT_HEADER = 'x-routeiq-deployment';
const STRATEGY_HEADER = 'x-routeiq-strategy';

function responseHeaders(
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

function context(
  deployment: ResolvedDeployment,
  signal: AbortSignal,
  requestId: string,
  trace: UpstreamTrace | undefined,
): ProviderCallContext {
  return trace ? { deployment, signal, requestId, trace } : { deployment, signal, requestId };
}

function totalTokens(outcome: CallOutcome): number {
  return outcome.usage ? outcome.usage.promptTokens + outcome.usage.completionTokens : 0;
}

function userField(request: InferenceRequestShape): string | undefined {
  const user = (request as { user?: unknown }).user;
  return typeof user === 'string' && user !== '' ? user : undefined;
}

function routerTimeoutMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}

/** The deployment's `max_retries` (default 0): retries of one call before any byte is sent. */
function maxRetriesOf(deployment: ResolvedDeployment): number {
  return deployment.config.litellmParams.max_retries ?? 0;
}
