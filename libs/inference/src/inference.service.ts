import { Injectable, Logger } from '@nestjs/common';
import {
  CommonErrorCode,
  CommonException,
  GatewayException,
  SseWriter,
  scrubSecrets,
  sendJson,
  type GatewayRequest,
  type GatewayResponse,
} from '@routeiq/common';
import {
  ProviderRegistry,
  toJson,
  type ProviderCapability,
  type ResolvedDeployment,
} from '@routeiq/providers';
import { RouterService } from '@routeiq/routing';
import { AdmissionService, type Admission } from '@routeiq/security';
import type {
  InferenceOperation,
  InferenceRequestShape,
  StreamWriter,
} from './inference-operation';
import { openUpstreamCall, type UpstreamCall } from './upstream-call';
import { estimateUsage } from './usage-estimate';
import { withRetries } from './upstream-retry';
import { UsageRecorder, type CallOutcome } from './usage-recorder.service';

const DEPLOYMENT_HEADER = 'x-routeiq-deployment-id';

/**
 * The request path for every OpenAI endpoint: parse → route → call the provider → write the answer
 * (JSON, or SSE chunks as they arrive) → hand the outcome to the usage recorder. Nothing here waits
 * on anything but the upstream.
 */
@Injectable()
export class InferenceService {
  private readonly logger = new Logger('Inference');
  private readonly estimateOutput = (maxTokens: number | undefined): number =>
    this.admission.outputTokensEstimate(maxTokens);

  constructor(
    private readonly router: RouterService,
    private readonly providers: ProviderRegistry,
    private readonly recorder: UsageRecorder,
    private readonly admission: AdmissionService,
  ) {}

  async run<TRequest extends InferenceRequestShape, TResult extends object, TChunk extends object>(
    op: InferenceOperation<TRequest, TResult, TChunk>,
    body: unknown,
    req: GatewayRequest,
    res: GatewayResponse,
  ): Promise<void> {
    const startedAt = performance.now();
    const request = op.parse(body);
    this.admission.refuseClientUpstream(body as Record<string, unknown>);
    const deployment = this.pick(
      op.capability,
      request,
      op.needs?.(request),
      op.preferredDeployment?.(request),
    );
    const admission = await this.admission.admit(
      req,
      request.model,
      estimateUsage(req, request, deployment, this.estimateOutput),
    );
    const streaming = request.stream === true && op.stream !== undefined;
    const outcome: CallOutcome = {
      requestId: req.id,
      endpoint: op.endpoint,
      modelGroup: request.model,
      deployment,
      keyId: req.principal?.keyId,
      stream: streaming,
      startedAt,
      statusCode: 200,
      usage: undefined,
      firstByteAt: undefined,
      errorCode: undefined,
      admission,
    };
    const call = openUpstreamCall(req, res, deployment);
    try {
      if (streaming) await this.streamed(op, request, call, res, outcome);
      else await this.unary(op, request, call, res, outcome);
    } catch (error) {
      const failure = this.asGatewayException(error, req.id);
      outcome.statusCode = failure.status;
      outcome.errorCode = failure.code;
      this.recorder.record(outcome);
      throw failure;
    } finally {
      call.dispose();
    }
  }

  private pick(
    capability: InferenceOperation<InferenceRequestShape, object, object>['capability'],
    request: InferenceRequestShape,
    needs: readonly ProviderCapability[] | undefined,
    preferredId: string | undefined,
  ): ResolvedDeployment {
    const deployment = this.router.route(request.model, capability, needs, preferredId);
    // LiteLLM's per-request `mock_response`: answer offline without calling the upstream.
    if (typeof request.mock_response !== 'string') return deployment;
    const mock = this.providers.get('mock');
    return mock ? { ...deployment, adapter: mock } : deployment;
  }

  private async unary<
    TRequest extends InferenceRequestShape,
    TResult extends object,
    TChunk extends object,
  >(
    op: InferenceOperation<TRequest, TResult, TChunk>,
    request: TRequest,
    call: UpstreamCall,
    res: GatewayResponse,
    outcome: CallOutcome,
  ): Promise<void> {
    const result = await withRetries(
      () => op.call(call.ctx.deployment.adapter, request, call.ctx),
      maxRetriesOf(call),
      call.ctx.signal,
    );
    sendJson(res, 200, toJson(result), responseHeaders(call, outcome.admission));
    outcome.usage = op.usage(result);
    this.recorder.record(outcome);
  }

  private async streamed<
    TRequest extends InferenceRequestShape,
    TResult extends object,
    TChunk extends object,
  >(
    op: InferenceOperation<TRequest, TResult, TChunk>,
    request: TRequest,
    call: UpstreamCall,
    res: GatewayResponse,
    outcome: CallOutcome,
  ): Promise<void> {
    const clientWantsUsage = wantsUsage(request);
    // Quotas and spend need the real token counts: the upstream is always asked for them, and
    // the usage-only chunk is kept from a client that did not ask for it.
    const upstreamRequest = clientWantsUsage ? request : withUsageRequested(request);
    // The first chunk is awaited before any byte goes out, so an upstream that fails at once
    // still gets a proper HTTP error status, or a retry (`max_retries`).
    const { iterator, first } = await withRetries(
      async () => {
        const stream = await op.stream!(call.ctx.deployment.adapter, upstreamRequest, call.ctx);
        const opened = stream[Symbol.asyncIterator]();
        return { iterator: opened, first: await opened.next() };
      },
      maxRetriesOf(call),
      call.ctx.signal,
    );
    const writer: StreamWriter<TChunk> = op.streamWriter?.(res) ?? new SseWriter(res);
    writer.open(responseHeaders(call, outcome.admission));
    outcome.firstByteAt = performance.now();
    try {
      for (let step = first; !step.done; step = await iterator.next()) {
        const usage = op.usage(step.value);
        if (usage) {
          outcome.usage = usage;
          if (!clientWantsUsage && isUsageOnly(step.value)) continue;
        }
        const text = toJson(step.value);
        const pending = writer.write(clientWantsUsage ? text : withoutNullUsage(text), step.value);
        if (pending) await pending;
        if (writer.isClosed) break;
      }
      if (writer.isClosed) await iterator.return?.();
      writer.done();
      if (call.clientGone()) outcome.statusCode = 499;
    } catch (error) {
      const failure = this.asGatewayException(error, call.ctx.requestId);
      if (!call.clientGone()) writer.fail(failure, call.ctx.requestId);
      outcome.statusCode = call.clientGone() ? 499 : failure.status;
      outcome.errorCode = failure.code;
    }
    this.recorder.record(outcome);
  }

  private asGatewayException(error: unknown, requestId: string): GatewayException {
    if (error instanceof GatewayException) return error;
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.logger.error({ requestId, err: scrubSecrets(detail) }, 'inference failed');
    return new CommonException({
      status: 500,
      code: CommonErrorCode.Internal,
      type: 'server_error',
      message: `Internal server error (request id ${requestId})`,
    });
  }
}

function responseHeaders(call: UpstreamCall, admission: Admission): Record<string, string> {
  const deployment = { [DEPLOYMENT_HEADER]: call.ctx.deployment.id };
  return admission.headers ? { ...admission.headers, ...deployment } : deployment;
}

function wantsUsage(request: InferenceRequestShape): boolean {
  const options = (request as { stream_options?: { include_usage?: unknown } }).stream_options;
  return options?.include_usage === true;
}

function withUsageRequested<TRequest extends InferenceRequestShape>(request: TRequest): TRequest {
  const options = (request as { stream_options?: object }).stream_options;
  return { ...request, stream_options: { ...options, include_usage: true } };
}

const NULL_USAGE_TAIL = ',"usage":null}';

/**
 * Asked for usage, OpenAI adds `"usage":null` to every chunk; a client that did not ask gets the
 * chunks it would have had (the field is last on the wire, so this is one string check).
 */
function withoutNullUsage(text: string): string {
  return text.endsWith(NULL_USAGE_TAIL) ? `${text.slice(0, -NULL_USAGE_TAIL.length)}}` : text;
}

/** OpenAI's final usage chunk: `choices` is empty, only `usage` is filled in. */
function isUsageOnly(chunk: object): boolean {
  const choices = (chunk as { choices?: unknown }).choices;
  return Array.isArray(choices) && choices.length === 0;
}

/** The deployment's `max_retries` (default 0): retries of one call before any byte is sent. */
function maxRetriesOf(call: UpstreamCall): number {
  return call.ctx.deployment.config.litellmParams.max_retries ?? 0;
}
