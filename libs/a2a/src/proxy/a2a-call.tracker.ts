import { Injectable } from '@nestjs/common';
import {
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { GatewayRequest } from '@routeiq/common';
import { Common, GatewayMetrics, GatewayTracer, RouteIq } from '@routeiq/observability';

/** `status` label of `routeiq_a2a_calls_total`. */
export type A2aCallStatus = 'ok' | 'error' | 'denied' | 'invalid' | 'upstream_error' | 'cancelled';

/** Metrics and CLIENT span of proxied A2A calls (calls are not audited: only registry changes). */
@Injectable()
export class A2aCallTracker {
  constructor(
    private readonly tracer: GatewayTracer,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** `method`: the 1.0 name, or `unknown`, so the metric's labels stay bounded. */
  begin(req: GatewayRequest, agentId: string, method: string): A2aTrackedCall {
    return new A2aTrackedCall(this.tracer, this.metrics, req, agentId, method);
  }
}

/** One call from lookup to its end; `end` counts it once. */
export class A2aTrackedCall {
  private readonly startedAt = performance.now();
  private span: Span | undefined;
  private ended = false;

  constructor(
    private readonly tracer: GatewayTracer,
    private readonly metrics: GatewayMetrics,
    private readonly req: GatewayRequest,
    private readonly agentId: string,
    private readonly method: string,
  ) {}

  /** Opens the CLIENT span; returns `traceparent` headers for the agent (none without tracing). */
  upstreamHeaders(): Record<string, string> {
    if (!this.tracer.enabled) return {};
    const parent = this.req.traceContext as Context | undefined;
    const attributes = (): Attributes => ({
      'rpc.system': 'jsonrpc',
      'rpc.method': this.method,
      'routeiq.a2a.agent.id': this.agentId,
      [RouteIq.REQUEST_ID]: this.req.id,
    });
    this.span = this.tracer.startSpan(
      `a2a ${this.method}`,
      { kind: SpanKind.CLIENT },
      parent,
      attributes,
    );
    if (!this.tracer.injectsUpstream) return {};
    return this.tracer.upstreamHeaders(this.tracer.contextWith(this.span, parent));
  }

  /** `errorType`: the JSON-RPC error code or gateway error code, when the call failed. */
  end(status: A2aCallStatus, errorType?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.metrics.a2aCall(
      this.agentId,
      this.method,
      status,
      (performance.now() - this.startedAt) / 1000,
    );
    if (!this.span) return;
    if (errorType !== undefined) {
      this.span.setAttribute(Common.ERROR_TYPE, errorType);
      this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.span.end();
  }
}
