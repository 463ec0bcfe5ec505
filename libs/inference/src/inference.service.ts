import { Injectable, Logger } from '@nestjs/common';
import { withoutCacheParams } from '@routeiq/cache';
import { sendJson, type GatewayRequest, type GatewayResponse } from '@routeiq/common';
import {
  ProviderRegistry,
  toJson,
  type ProviderAdapter,
  type ResolvedDeployment,
} from '@routeiq/providers';
import { RouterService, type RoutingSession } from '@routeiq/routing';
import { AdmissionService } from '@routeiq/security';
import {
  asGatewayException,
  HeldAnswer,
  maxRetriesOf,
  newOutcome,
  providerContext as context,
  responseHeaders,
  routeRequestOf,
  totalTokens,
} from './inference-call';
import type { InferenceOperation, InferenceRequestShape } from './inference-operation';
import { takeRoutingParams, type RequestRouting } from './routing-params';
import { StreamRelay } from './stream-relay';
import { openUpstreamCall, type UpstreamCall } from './upstream-call';
import type { RequestStage } from './hooks/request-stage';
import { RequestStages } from './hooks/request-stages.service';
import { decimalString, RESPONSE_COST_HEADER } from './hooks/response-headers';
import { withRetries } from './upstream-retry';
import { InferenceTelemetry } from './telemetry/inference-telemetry.service';
import type { RequestTelemetry } from './telemetry/request-telemetry';
import { estimateTokens } from './usage-estimate';
import { spendOf, UsageRecorder, type CallOutcome } from './usage-recorder.service';

/**
 * The request path for every inference endpoint: parse → plugins and response cache (RequestStages)
 * → route (retries, fallbacks) → call the provider → plugins → write the answer (JSON, or SSE chunks
 * as they arrive) → hand the outcome to the usage recorder. Nothing here waits on anything but the
 * upstream and the plugins that are configured.
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
    private readonly stages: RequestStages,
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
      // Plugins (`onRequest`, `onLlmPreCall`) and the response cache come before routing; either
      // may answer the request itself.
      const stage = this.stages.begin(op, body, request, req, call.signal);
      if (stage && (await stage.before(res, () => this.parse(op, body).request, startedAt))) return;
      const upstream = withoutCacheParams(stage?.request ?? request);
      await this.routed(op, upstream, routing, req, call, res, startedAt, stage);
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
    await this.routed(op, withoutCacheParams(request), routing, req, call, held, performance.now());
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
    stage?: RequestStage<TRequest>,
  ): Promise<void> {
    const res = target instanceof HeldAnswer ? undefined : target;
    const streaming = res !== undefined && request.stream === true && op.stream !== undefined;
    const tokens = estimateTokens(req, request, this.estimateOutput);
    const route = routeRequestOf(op, request, routing, req, streaming, tokens, {
      timeoutSeconds: this.router.settings.timeout,
      mayFallBackTo: (group) => this.admission.mayFallBackTo(req, group),
    });
    // Only a strategy with asynchronous preparation (a learned router that embeds the prompt)
    // returns something to wait for; every other request goes straight on.
    const preparing = this.router.prepare(route, call.signal);
    if (preparing !== undefined) await preparing;
    const session = this.router.begin(route);
    const first = session.firstDeployment;
    req.served = { model: session.decision.model_group, stream: streaming };
    const admission = await this.admission.admit(req, request.model, {
      inputTokens: tokens.inputTokens,
      outputTokens: tokens.outputTokens,
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
    // A turn of the hosted tool loop (a held answer) is one of several model calls of the request:
    // it gets a span of its own instead of describing the request's server span.
    const telemetry = this.telemetry.begin(op.endpoint, request, req, streaming, session, !!res);
    try {
      if (streaming && res) {
        await this.streamed(op, request, session, call, res, outcome, telemetry, stage);
      } else await this.unary(op, request, session, call, target, outcome, telemetry, stage);
    } catch (error) {
      // The error response is written by the filter: its overhead figure leaves out retry waits.
      if (!res?.headersSent) telemetry.responseStarting();
      const failure = asGatewayException(this.logger, error, req.id, req);
      stage?.failed(failure, res);
      outcome.statusCode = failure.status;
      outcome.errorCode = failure.code;
      session.finish({ ok: false, tokens: 0 });
      telemetry.finish(outcome, this.recorder.record(outcome));
      throw failure;
    }
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
    stage: RequestStage<TRequest> | undefined,
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
    outcome.usage = op.usage(result);
    telemetry.trace?.answered(result);
    session.finish({ ok: true, tokens: totalTokens(outcome), usage: outcome.usage });
    // `onLlmSuccess` runs before anything is written: output guardrails may replace or refuse it.
    const succeeded = stage ? stage.succeeded(result, outcome) : result;
    const answer = succeeded instanceof Promise ? await succeeded : succeeded;
    const headers = responseHeaders(deployment, session, outcome.admission, telemetry);
    if (target instanceof HeldAnswer) {
      target.result = answer;
      target.headers = headers;
    } else {
      stage?.addHeaders(headers);
      headers[RESPONSE_COST_HEADER] = decimalString(
        this.recorder.costOf(deployment, outcome.usage),
      );
      sendJson(target, 200, stage ? stage.serialise(answer) : toJson(answer), headers);
      stage?.stored(answer, deployment);
    }
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
    stage: RequestStage<TRequest> | undefined,
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
      stage,
    );
    session.finish({
      ok: failure === undefined,
      tokens: totalTokens(outcome),
      usage: outcome.usage,
      firstByteAt: outcome.firstByteAt,
      ...(failure !== undefined && !call.clientGone() && { error: failure }),
    });
    stage?.streamEnded(failure, call.clientGone(), outcome);
    telemetry.finish(outcome, this.recorder.record(outcome));
  }

  /** LiteLLM's per-request `mock_response`: answered offline by the mock provider. */
  private adapterFor(request: InferenceRequestShape): (d: ResolvedDeployment) => ProviderAdapter {
    const mock = typeof request.mock_response === 'string' ? this.providers.get('mock') : undefined;
    return mock ? () => mock : (deployment) => deployment.adapter;
  }
}
