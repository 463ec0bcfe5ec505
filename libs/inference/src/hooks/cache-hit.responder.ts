import { Injectable } from '@nestjs/common';
import { trace as otelTrace } from '@opentelemetry/api';
import type { CacheHit } from '@routeiq/cache';
import {
  OVERHEAD_HEADER,
  overheadHeaderValue,
  sendJson,
  type GatewayRequest,
  type GatewayResponse,
} from '@routeiq/common';
import { GatewayMetrics, GatewayTracer, genAiOperationName } from '@routeiq/observability';
import { toJson, type ResolvedDeployment } from '@routeiq/providers';
import { ModelRegistryService } from '@routeiq/routing';
import { AdmissionService } from '@routeiq/security';
import { newOutcome } from '../inference-call';
import type { InferenceOperation, InferenceRequestShape } from '../inference-operation';
import { replayStream } from '../stream-relay';
import { InferenceTrace } from '../telemetry/inference-trace';
import { UsageRecorder } from '../usage-recorder.service';
import { cacheHitHeaders, RESPONSE_COST_HEADER } from './response-headers';

const NOTHING = { inputTokens: 0, outputTokens: 0, spendUsd: 0 } as const;
const CACHE_HIT_ATTRIBUTE = 'routeiq.cache.hit';

type AnyOperation = InferenceOperation<InferenceRequestShape, object, object>;

/** A response cache hit as the request path answers it. */
export interface CachedAnswer {
  readonly hit: CacheHit;
  readonly stream: boolean;
  /** What the request log names: the deployment whose answer was stored (no call was made). */
  readonly deployment: ResolvedDeployment;
  readonly startedAt: number;
  /** Headers plugins added. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Answers from the response cache without routing or a provider call: the caller is still
 * admitted (the request counts against its rpm; 0 tokens and $0 reserved), the request is logged
 * with 0 tokens and spend 0, and metrics and the request span end as for any other answer.
 */
@Injectable()
export class CacheHitResponder {
  constructor(
    private readonly admission: AdmissionService,
    private readonly recorder: UsageRecorder,
    private readonly models: ModelRegistryService,
    private readonly metrics: GatewayMetrics,
    private readonly tracer: GatewayTracer,
  ) {}

  /**
   * The deployment a hit is logged against: the one whose answer was stored when it still serves
   * the model, else the group's first; undefined when the model is not served at all.
   */
  deploymentFor(model: string, deploymentId?: string): ResolvedDeployment | undefined {
    const deployments = this.models.find(model)?.deployments;
    if (deployments === undefined) return undefined;
    if (deploymentId) {
      const stored = deployments.find((deployment) => deployment.id === deploymentId);
      if (stored !== undefined) return stored;
    }
    return deployments[0];
  }

  /** Whether `hit` holds the answer in the shape the request asked for. */
  fits(hit: CacheHit | undefined, stream: boolean): hit is CacheHit {
    return hit !== undefined && (stream ? hit.chunks !== undefined : hit.result !== undefined);
  }

  async answer(
    op: AnyOperation,
    request: InferenceRequestShape,
    req: GatewayRequest,
    res: GatewayResponse,
    cached: CachedAnswer,
  ): Promise<void> {
    const { hit, stream, deployment } = cached;
    const admission = await this.admission.admit(req, request.model, NOTHING);
    const outcome = newOutcome(
      req,
      op.endpoint,
      request.model,
      deployment,
      stream,
      cached.startedAt,
      admission,
    );
    req.served = { model: request.model, stream };
    const operation = genAiOperationName(op.endpoint);
    const span = this.tracer.enabled
      ? new InferenceTrace(this.tracer, operation, request.model, req, stream, request)
      : undefined;
    if (span) otelTrace.getSpan(span.context)?.setAttribute(CACHE_HIT_ATTRIBUTE, true);
    const headers = { ...admission.headers, ...cached.headers, ...cacheHitHeaders(hit) };
    const overhead = overheadHeaderValue(req);
    if (overhead !== undefined) headers[OVERHEAD_HEADER] = overhead;
    outcome.firstByteAt = performance.now();
    try {
      if (stream) {
        await replayStream(op, request, hit.chunks!, res, headers);
      } else {
        headers[RESPONSE_COST_HEADER] = '0';
        sendJson(res, 200, toJson(hit.result!), headers);
      }
    } catch (error) {
      // The trace may hold the server span: it must let go of it however the replay ended.
      span?.end({ status: 500, errorCode: 'cache_replay_failed' }, undefined, req.receivedAt);
      throw error;
    }
    this.recorder.record(outcome);
    const receivedAt = req.receivedAt ?? cached.startedAt;
    this.metrics.serverRequest(
      operation,
      request.model,
      (performance.now() - receivedAt) / 1000,
      '',
    );
    span?.end({ status: 200, firstByteAt: outcome.firstByteAt }, undefined, req.receivedAt);
  }
}
