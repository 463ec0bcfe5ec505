import { Injectable } from '@nestjs/common';
import {
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { GatewayException, type GatewayRequest } from '@routeiq/common';
import { Common, GatewayMetrics, GatewayTracer, GenAi, RouteIq } from '@routeiq/observability';
import type { AuditOutcome } from '@routeiq/persistence';
import { auditContext, AuditService } from '@routeiq/security';
import type { McpOperationOptions } from './mcp-operations';

/** Attribute names of the OpenTelemetry MCP semantic conventions (and the gateway's own). */
export const McpAttr = {
  METHOD_NAME: 'mcp.method.name',
  SESSION_ID: 'mcp.session.id',
  RESOURCE_URI: 'mcp.resource.uri',
  SERVER_ID: 'mcp.server.id',
  TOOL_NAME: 'gen_ai.tool.name',
  PROMPT_NAME: 'gen_ai.prompt.name',
  TOOL_ARGUMENTS: 'gen_ai.tool.call.arguments',
  TOOL_RESULT: 'gen_ai.tool.call.result',
  CHANNEL: 'routeiq.mcp.channel',
} as const;

/** `error.type` of a `CallToolResult` with `isError: true` (MCP semantic conventions). */
export const TOOL_ERROR = 'tool_error';

export type McpMethod = 'tools/call' | 'resources/read' | 'prompts/get' | 'completion/complete';

/** `status` label of `routeiq_mcp_calls_total`. */
export type McpCallStatus = 'ok' | 'error' | 'denied' | 'invalid';

export interface McpCallTarget {
  readonly method: McpMethod;
  readonly serverId: string;
  /** Upstream tool or prompt name; the URI for `resources/read` and resource completions. */
  readonly name: string;
  /** What a `completion/complete` completes an argument of. */
  readonly ref?: 'ref/prompt' | 'ref/resource';
  /** `{serverId}.{name}` of a tool: set for calls that are audited (`tools/call`). */
  readonly auditedAs?: string;
}

/** Metrics, span and audit record of MCP operations on upstream servers. */
@Injectable()
export class McpCallTracker {
  constructor(
    private readonly tracer: GatewayTracer,
    private readonly metrics: GatewayMetrics,
    private readonly audit: AuditService,
  ) {}

  /** Starts the clock of one operation that passed lookup; end it exactly once. */
  begin(req: GatewayRequest, target: McpCallTarget, options: McpOperationOptions): McpTrackedCall {
    return new McpTrackedCall(this.tracer, this.metrics, this.audit, req, target, options);
  }
}

/** One operation between lookup and its end: denied, refused, failed upstream, or answered. */
export class McpTrackedCall {
  private readonly startedAt = performance.now();
  private span: Span | undefined;
  private ended = false;

  constructor(
    private readonly tracer: GatewayTracer,
    private readonly metrics: GatewayMetrics,
    private readonly audit: AuditService,
    private readonly req: GatewayRequest,
    private readonly target: McpCallTarget,
    private readonly options: McpOperationOptions,
  ) {}

  /**
   * Opens the CLIENT span of the upstream call and returns its context, for `traceparent`;
   * undefined when tracing is off. Arguments go on the span only with content capture on.
   */
  upstreamContext(args?: unknown): Context | undefined {
    if (!this.tracer.enabled) return undefined;
    const parent = this.req.traceContext as Context | undefined;
    const { method, name } = this.target;
    const spanName = onResource(this.target) ? method : `${method} ${name}`;
    this.span = this.tracer.startSpan(spanName, { kind: SpanKind.CLIENT }, parent, () =>
      this.attributes(),
    );
    if (args !== undefined && this.tracer.captureContent && this.span.isRecording()) {
      this.span.setAttribute(McpAttr.TOOL_ARGUMENTS, JSON.stringify(args));
    }
    return this.tracer.contextWith(this.span, parent);
  }

  /** The upstream answered; a tool result with `isError: true` counts as an error. */
  answered(result: Readonly<Record<string, unknown>>): void {
    const isError = result.isError === true;
    const tool = this.target.method === 'tools/call';
    if (tool && this.span?.isRecording() && this.tracer.captureContent) {
      this.span.setAttribute(McpAttr.TOOL_RESULT, JSON.stringify(result));
    }
    this.end(isError ? 'error' : 'ok', 'success', isError ? TOOL_ERROR : undefined, isError);
  }

  /** The operation failed; `status` says whether the caller or the upstream was at fault. */
  failed(error: unknown, status: Exclude<McpCallStatus, 'ok'>): void {
    const code = error instanceof GatewayException ? error.code : 'internal_error';
    this.end(status, status === 'denied' ? 'denied' : 'failure', code);
  }

  private end(
    status: McpCallStatus,
    outcome: AuditOutcome,
    errorType: string | undefined,
    isError?: boolean,
  ): void {
    if (this.ended) return;
    this.ended = true;
    const { method, serverId, auditedAs } = this.target;
    this.metrics.mcpCall(serverId, method, status, (performance.now() - this.startedAt) / 1000);
    if (this.span) {
      if (errorType !== undefined) {
        this.span.setAttribute(Common.ERROR_TYPE, errorType);
        this.span.setStatus({ code: SpanStatusCode.ERROR });
      }
      this.span.end();
    }
    if (auditedAs === undefined) return;
    this.audit.record({
      ...auditContext(this.req),
      action: 'mcp.tool.call',
      outcome,
      resourceType: 'mcp_tool',
      resourceId: auditedAs,
      reason: outcome === 'success' ? null : (errorType ?? null),
      metadata: {
        server: serverId,
        channel: this.options.channel,
        ...(isError !== undefined && { is_error: isError }),
      },
    });
  }

  private attributes(): Attributes {
    const { method, serverId, name } = this.target;
    const attributes: Attributes = {
      [McpAttr.METHOD_NAME]: method,
      [McpAttr.SERVER_ID]: serverId,
      [McpAttr.CHANNEL]: this.options.channel,
      [RouteIq.REQUEST_ID]: this.req.id,
    };
    if (method === 'tools/call') {
      attributes[GenAi.OPERATION_NAME] = 'execute_tool';
      attributes[McpAttr.TOOL_NAME] = name;
    } else if (onResource(this.target)) {
      attributes[McpAttr.RESOURCE_URI] = name;
    } else {
      attributes[McpAttr.PROMPT_NAME] = name;
    }
    if (this.options.sessionId) attributes[McpAttr.SESSION_ID] = this.options.sessionId;
    return attributes;
  }
}

/** Whether the target names a resource URI (or template) rather than a tool or prompt. */
function onResource({ method, ref }: McpCallTarget): boolean {
  return method === 'resources/read' || ref === 'ref/resource';
}
