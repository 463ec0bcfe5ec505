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
import { A2aCallAuditor, type A2aCallAudit } from './a2a-call.audit';

/** `status` label of `routeiq_a2a_calls_total`. */
export type A2aCallStatus = 'ok' | 'error' | 'denied' | 'invalid' | 'upstream_error' | 'cancelled';

/** Metrics, CLIENT span and audit record (`a2a.agent.call`) of proxied A2A calls. */
@Injectable()
export class A2aCallTracker {
  constructor(
    private readonly tracer: GatewayTracer,
    private readonly metrics: GatewayMetrics,
    private readonly auditor: A2aCallAuditor,
  ) {}

  /** The audit record of a call to a known agent, from the moment it was found. */
  audit(req: GatewayRequest, agentId: string): A2aCallAudit {
    return this.auditor.begin(req, agentId);
  }

  /** `method`: the 1.0 name, or `unknown`, so the metric's labels stay bounded. */
  begin(audit: A2aCallAudit, method: string): A2aTrackedCall {
    return new A2aTrackedCall(this.tracer, this.metrics, audit, method);
  }
}

/** One call from its parsed request to its end; `end` counts and audits it once. */
export class A2aTrackedCall {
  private readonly startedAt = performance.now();
  private span: Span | undefined;
  private ended = false;

  constructor(
    private readonly tracer: GatewayTracer,
    private readonly metrics: GatewayMetrics,
    private readonly audit: A2aCallAudit,
    private readonly method: string,
  ) {}

  private get req(): GatewayRequest {
    return this.audit.req;
  }

  private get agentId(): string {
    return this.audit.agentId;
  }

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
    this.audit.end(status, errorType);
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
