import { Injectable, Logger } from '@nestjs/common';
import {
  requestLogFields,
  sendJson,
  type GatewayRequest,
  type GatewayResponse,
} from '@routeiq/common';
import {
  ProviderRegistry,
  toJson,
  type ProviderAdapter,
  type ProviderCapability,
  type ResolvedDeployment,
} from '@routeiq/providers';
import {
  lazyRoutingPrompt,
  RouterService,
  type RouteRequest,
  type RoutingSession,
} from '@routeiq/routing';
import { AdmissionService } from '@routeiq/security';
import {
  asGatewayException,
  HeldAnswer,
  maxRetriesOf,
  newOutcome,
  providerContext as context,
  responseHeaders,
  routerTimeoutMs,
  totalTokens,
  userField,
} from './inference-call';
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
    this.relay = new StreamRelay((error, requestId) =>
      asGatewayException(this.logger, error, requestId),
    );
  }

  async run<TRequest extends InferenceRequestShape, TResult extends object, TChunk extends object>(
    op: InferenceOperation<TRequest, TResult, TChunk>,
    body: unknown,
    req: GatewayRequest,
    res: GatewayResponse,
  ): Promise<void> {
    const startedAt = performance.now();
    const { request, routing } = this.parse(op, body);
    const call = openUpstreamCall(res);
    try {
      await this.routed(op, request, routing, req, call, res, startedAt);
    } finally {
      call.dispose();
    }
  }

  /** The body's shape checks, its routing settings taken out, a client-chosen upstream refused. */
  parse<TRequest extends InferenceRequestShape>(
    op: InferenceOperation<TRequest, object, object>,
    body: unknown,
  ): { request: TRequest; routing: RequestRouting } {
    const parsed = takeRoutingParams(op.parse(body));
    this.admission.refuseClientUpstream(body as Record<string, unknown>);
    return parsed;
  }

  /**
   * One routed call (admission, routing, retries, fallbacks, usage record, telemetry) whose answer
   * is handed back instead of written: a turn of the hosted tool loop. Never streams.
   */
  async answer<TRequest extends InferenceRequestShape, TResult extends object>(
    op: InferenceOperation<TRequest, TResult, object>,
    request: TRequest,
    routing: RequestRouting,
    req: GatewayRequest,
    call: UpstreamCall,
  ): Promise<{ result: TResult; headers: Record<string, string> }> {
    const held = new HeldAnswer<TResult>();
    await this.routed(op, request, routing, req, call, held, performance.now());
    return { result: held.result!, headers: held.headers };
  }

  private async routed<
    TRequest extends InferenceRequestShape,
    TResult extends object,
    TChunk extends object,
  >(
    op: InferenceOperation<TRequest, TResult, TChunk>,
    request: TRequest,
    routing: RequestRouting,
    req: GatewayRequest,
    call: UpstreamCall,
    target: GatewayResponse | HeldAnswer<TResult>,
    startedAt: number,
  ): Promise<void> {
    const res = target instanceof HeldAnswer ? undefined : target;
    const streaming = res !== undefined && request.stream === true && op.stream !== undefined;
    const tokens = estimateTokens(req, request, this.estimateOutput);
    const route = this.routeRequest(op, request, routing, req, streaming, tokens);
    // Only a strategy with asynchronous preparation (a learned router that embeds the prompt)
    // returns something to wait for; every other request goes straight on.
    const preparing = this.router.prepare(route, call.signal);
    if (preparing !== undefined) await preparing;
    const session = this.router.begin(route);
    const first = session.firstDeployment;
    req.served = { model: session.decision.model_group, stream: streaming };
    const admission = await this.admission.admit(req, request.model, {
      ...tokens,
      spendUsd: spendOf(first, tokens.inputTokens, tokens.outputTokens),
    });
    const outcome = newOutcome(
      req,
      op.endpoint,
      request.model,
      first,
      streaming,
      startedAt,
      admission,
    );
    const telemetry = this.telemetry.begin(op.endpoint, request, req, streaming, session);
    try {
      if (streaming && res) {
        await this.streamed(op, request, session, call, res, outcome, telemetry);
      } else await this.unary(op, request, session, call, target, outcome, telemetry);
    } catch (error) {
      // The error response is written by the filter: its overhead figure leaves out retry waits.
      if (!res?.headersSent) telemetry.responseStarting();
      const failure = asGatewayException(this.logger, error, req.id, req);
      outcome.statusCode = failure.status;
      outcome.errorCode = failure.code;
      session.finish({ ok: false, tokens: 0 });
      telemetry.finish(outcome, this.recorder.record(outcome));
      throw failure;
    }
  }

  private routeRequest(
    op: InferenceOperation<InferenceRequestShape, object, object>,
    request: InferenceRequestShape,
    routing: RequestRouting,
    req: GatewayRequest,
    stream: boolean,
    tokens: { inputTokens: number; outputTokens: number },
  ): RouteRequest {
    const timeoutMs = routing.timeoutMs ?? routerTimeoutMs(this.router.settings.timeout);
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
      allowsModel: (group) => this.admission.mayFallBackTo(req, group),
      logFields: () => requestLogFields(req),
      // Built only if the strategy judges the prompt (learned routers).
      prompt: lazyRoutingPrompt(request),
      ...(timeoutMs !== undefined && { timeoutMs }),
      ...(routing.numRetries !== undefined && { numRetries: routing.numRetries }),
    };
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
    target: GatewayResponse | HeldAnswer<TResult>,
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
    if (target instanceof HeldAnswer) {
      target.result = result;
      target.headers = headers;
    } else sendJson(target, 200, toJson(result), headers);
    outcome.usage = op.usage(result);
    session.finish({ ok: true, tokens: totalTokens(outcome), usage: outcome.usage });
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
      usage: outcome.usage,
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
}
