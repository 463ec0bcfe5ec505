import { Injectable } from '@nestjs/common';
import {
  context as contextApi,
  ROOT_CONTEXT,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { telemetryRuntime } from '../telemetry/telemetry-runtime';

/**
 * The gateway's handle on tracing. `enabled` is false unless the SDK was started
 * (`OTEL_ENABLED=true`); callers check it once per request and skip every span call when off, so a
 * gateway without tracing pays nothing. Contexts are passed explicitly (see SyncContextManager).
 */
@Injectable()
export class GatewayTracer {
  readonly enabled: boolean;
  /** `LOG_QUERIES=true`: prompt and completion text may go on spans. */
  readonly captureContent: boolean;
  private readonly tracer: Tracer;

  constructor() {
    const runtime = telemetryRuntime();
    this.enabled = runtime.tracing;
    this.captureContent = runtime.captureContent;
    this.tracer = trace.getTracer('routeiq-gateway');
  }

  startSpan(name: string, options: SpanOptions, parent: Context | undefined): Span {
    return this.tracer.startSpan(name, options, parent ?? ROOT_CONTEXT);
  }

  /** `parent` with `span` as the active span. */
  contextWith(span: Span, parent: Context | undefined): Context {
    return trace.setSpan(parent ?? ROOT_CONTEXT, span);
  }

  /** Runs `fn` with `ctx` active for its synchronous part (instrumentations read it then). */
  runIn<T>(ctx: Context, fn: () => T): T {
    return contextApi.with(ctx, fn);
  }

  /** The context active right now (inside an instrumented listener: the HTTP server span's). */
  activeContext(): Context {
    return contextApi.active();
  }
}
