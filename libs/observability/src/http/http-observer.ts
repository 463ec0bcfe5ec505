import { Injectable } from '@nestjs/common';
import type { Context, Span } from '@opentelemetry/api';
import type { GatewayRequest } from '@routeiq/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { levels, type DestinationStream } from 'pino';
import { ServerConfig } from '@routeiq/config';
import { logDestination } from '../log-destination';
import { accessLine } from './access-line';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ObservabilityConfig } from '../observability.config';
import { traceApi } from '../telemetry/otel-api';
import { GatewayTracer } from '../tracing/gateway-tracer';
import { GatewaySpan } from '../tracing/spans/gateway-span';
import { UnsampledSpan } from '../tracing/spans/unsampled.span';
import type { ServerSpan } from '../tracing/server-span';

const UNMATCHED_ROUTE = 'unmatched';
const PENDING_ROUTE = 'pending';
// nginx's code for "client closed the connection before the response was complete".
const CLIENT_CLOSED = 499;

/**
 * Watches every request on the raw HTTP server: its arrival time (for the overhead header), the
 * server span's ids (tracing on), in-flight counts, and on completion the request metrics and the
 * access log line. No framework middleware: one listener and one `close` handler per request.
 */
@Injectable()
export class HttpObserver {
  private readonly inFlight = new Set<GatewayRequest>();
  private access: DestinationStream | undefined | null;

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly tracer: GatewayTracer,
    private readonly config: ObservabilityConfig,
    private readonly server: ServerConfig,
  ) {
    metrics.observeInFlight(() => this.inFlightByRoute());
  }

  /** Call before `attachRequestIds` (which goes first) and before the drain gate wraps them. */
  attach(server: Server): void {
    this.access = this.config.accessLog ? undefined : null;
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) =>
      this.observe(req as GatewayRequest, res),
    );
  }

  private observe(req: GatewayRequest, res: ServerResponse): void {
    req.receivedAt = performance.now();
    if (this.tracer.enabled) this.noteTrace(req);
    this.inFlight.add(req);
    // `on`, not `once`: 'close' fires once anyway, and `once` allocates a wrapper per request.
    res.on('close', () => this.completed(req, res));
  }

  /**
   * The request's server span: the gateway's own, or (http instrumentation on) the one active
   * inside the instrumentation's listener call.
   */
  private noteTrace(req: GatewayRequest): void {
    const tracer = this.tracer;
    let span: Span | undefined;
    let ctx: Context;
    if (tracer.ownsServerSpans) {
      const server = tracer.startServerSpan(req);
      if (!server) return;
      req.serverSpan = server;
      span = server.span;
      ctx = server.context;
    } else {
      ctx = tracer.activeContext();
      span = traceApi.getSpan(ctx);
      if (!span) return;
    }
    const { traceId, spanId } = span.spanContext();
    req.traceContext = ctx;
    // The gateway's own spans hold hex ids only: drawn by its id generator, or a parent's that
    // passed the API's validity check.
    const hex = span instanceof GatewaySpan || span instanceof UnsampledSpan;
    req.traceIds = { traceId, spanId, hex };
  }

  private completed(req: GatewayRequest, res: ServerResponse): void {
    this.inFlight.delete(req);
    const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
    const route = routeOf(req) ?? UNMATCHED_ROUTE;
    const now = performance.now();
    const durationMs = now - (req.receivedAt ?? 0);
    const served = req.served;
    const server = req.serverSpan as ServerSpan | undefined;
    if (server) {
      this.tracer.endServerSpan(
        server,
        req.method ?? 'GET',
        routeOf(req),
        status,
        req.failure?.code,
        now,
      );
      // Request objects often outlive their response across young-generation collections (V8
      // promotes them to the old generation with tracing off too), and what they still point to
      // is promoted with them. The ended span (its attributes, and the inference trace's objects
      // behind its context) is let go here: kept, it made tracing promote ~1.4 KB more per
      // request (docs/performance.md, "Tracing overhead").
      req.serverSpan = undefined;
      req.traceContext = undefined;
    }
    this.metrics.httpRequest(
      route,
      served?.model ?? '',
      served?.deployment ?? '',
      status,
      durationMs / 1000,
      req.failure?.code,
    );
    if (this.access === null) return;
    this.access ??= this.accessLog();
    this.access?.write(accessLine(req, route, status, durationMs));
  }

  /**
   * Access lines hold only known, non-secret fields, so they skip the redaction and scrubbing
   * every other line goes through: written straight to the shared stream, as pino would write them.
   */
  private accessLog(): DestinationStream | null {
    return levelValue(this.server.logLevel) <= INFO ? logDestination() : null;
  }

  private inFlightByRoute(): Iterable<[string, number]> {
    const counts = new Map<string, number>();
    for (const req of this.inFlight) {
      const route = routeOf(req) ?? PENDING_ROUTE;
      counts.set(route, (counts.get(route) ?? 0) + 1);
    }
    return counts;
  }
}

/** Express's matched route template, e.g. `/v1/chat/completions`: a bounded label. */
function routeOf(req: GatewayRequest): string | undefined {
  const path = (req as { route?: { path?: unknown } }).route?.path;
  return typeof path === 'string' ? path : undefined;
}

const INFO = levels.values.info ?? 30;

function levelValue(level: string): number {
  return levels.values[level] ?? Number.POSITIVE_INFINITY;
}
