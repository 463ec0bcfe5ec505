import { overheadHeaderValue, type GatewayRequest } from '@routeiq/common';
import { genAiProviderName, type GatewayMetrics } from '@routeiq/observability';
import type { ResolvedDeployment, UpstreamTrace } from '@routeiq/providers';
import type { RoutingSession } from '@routeiq/routing';
import type { CallOutcome } from '../usage-recorder.service';
import type { AttemptSpan } from './attempt.span';
import type { InferenceTrace } from './inference-trace';

interface ServedCall {
  readonly deployment: ResolvedDeployment;
  readonly startedAt: number;
  readonly span: AttemptSpan | undefined;
}

/**
 * The telemetry of one inference request: times every upstream call (metrics, and the overhead
 * header, which excludes upstream waits), drives the trace when tracing is on, and on completion
 * records token, latency and spend metrics and notes what served the request for the access log.
 */
export class RequestTelemetry {
  private served: ServedCall | undefined;

  constructor(
    private readonly metrics: GatewayMetrics,
    readonly trace: InferenceTrace | undefined,
    private readonly operation: string,
    private readonly req: GatewayRequest,
    private readonly session: RoutingSession,
    private readonly stream: boolean,
  ) {}

  /** Runs one upstream call on `deployment`, timed and (tracing on) inside its own span. */
  async call<T>(
    deployment: ResolvedDeployment,
    fn: (trace: UpstreamTrace | undefined) => Promise<T>,
  ): Promise<T> {
    const startedAt = performance.now();
    const span = this.trace?.attempt(deployment, this.session.decision.model_group, this.session);
    try {
      const value = await fn(span?.upstream);
      this.waited(startedAt);
      if (this.stream) {
        span?.streaming();
        this.served = { deployment, startedAt, span };
      } else {
        this.upstreamCall(deployment, startedAt, '');
        span?.succeeded(value as object);
      }
      return value;
    } catch (error) {
      this.waited(startedAt);
      this.upstreamCall(deployment, startedAt, errorType(error));
      span?.failed(error);
      throw error;
    }
  }

  /** The response is about to start: the `x-routeiq-overhead-ms` value as of now. */
  responseStarting(): string | undefined {
    const req = this.req;
    req.upstreamMs = (req.upstreamMs ?? 0) + this.session.waitedMs;
    const value = overheadHeaderValue(req);
    if (value !== undefined && req.served) req.served.overheadMs = Number(value);
    return value;
  }

  /** A streamed chunk, as sent (tracing only). */
  chunk(payload: object): void {
    this.trace?.chunk(payload);
  }

  /** Records the request's outcome; `spendUsd` as the usage recorder computed it. */
  finish(outcome: CallOutcome, spendUsd: number): void {
    const deployment = outcome.deployment;
    const inputTokens = outcome.usage?.promptTokens;
    const outputTokens = outcome.usage?.completionTokens;
    const failed = outcome.errorCode !== undefined;
    if (this.served) {
      this.upstreamCall(this.served.deployment, this.served.startedAt, outcome.errorCode ?? '');
      this.served.span?.end(outcome.errorCode);
    }
    this.record(outcome, spendUsd, failed);
    const served = this.req.served;
    if (served) {
      served.deployment = deployment.id;
      served.promptTokens = inputTokens;
      served.completionTokens = outputTokens;
    }
    this.trace?.end(
      {
        status: outcome.statusCode,
        errorCode: outcome.errorCode,
        deployment: failed && !this.served && outcome.usage === undefined ? undefined : deployment,
        inputTokens,
        outputTokens,
        firstByteAt: outcome.firstByteAt,
      },
      this.session,
      this.req.receivedAt,
    );
  }

  private record(outcome: CallOutcome, spendUsd: number, failed: boolean): void {
    const metrics = this.metrics;
    const group = outcome.modelGroup;
    const deployment = outcome.deployment;
    const receivedAt = this.req.receivedAt ?? outcome.startedAt;
    if (outcome.usage) {
      const provider = genAiProviderName(deployment.provider);
      const model = deployment.upstreamModel;
      metrics.tokenUsage(
        this.operation,
        provider,
        model,
        model,
        outcome.usage.promptTokens,
        outcome.usage.completionTokens,
      );
    }
    if (outcome.firstByteAt !== undefined && this.stream) {
      metrics.timeToFirstToken(this.operation, group, (outcome.firstByteAt - receivedAt) / 1000);
    }
    metrics.serverRequest(
      this.operation,
      group,
      (performance.now() - receivedAt) / 1000,
      failed ? (outcome.errorCode ?? 'error') : '',
    );
    if (spendUsd > 0) {
      metrics.spend(group, deployment.id, this.req.principal?.teamId ?? '', spendUsd);
    }
  }

  private upstreamCall(deployment: ResolvedDeployment, startedAt: number, error: string): void {
    this.metrics.upstreamCall(
      this.operation,
      genAiProviderName(deployment.provider),
      deployment.upstreamModel,
      deployment.upstreamModel,
      deployment.id,
      (performance.now() - startedAt) / 1000,
      error,
    );
  }

  private waited(startedAt: number): void {
    this.req.upstreamMs = (this.req.upstreamMs ?? 0) + (performance.now() - startedAt);
  }
}

/** `error.type`: the gateway error code of a failed call. */
function errorType(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : 'error';
}
