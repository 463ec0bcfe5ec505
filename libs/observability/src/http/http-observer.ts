import { Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { requestLogFields, type GatewayRequest } from '@routeiq/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ObservabilityConfig } from '../observability.config';
import { GatewayTracer } from '../tracing/gateway-tracer';

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
  // Created on first use: nestjs-pino sets its root logger when the app initialises.
  private access: Pino | undefined | null;

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly tracer: GatewayTracer,
    private readonly config: ObservabilityConfig,
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
    res.once('close', () => this.completed(req, res));
  }

  /** Inside the HTTP instrumentation's listener call the server span is the active one. */
  private noteTrace(req: GatewayRequest): void {
    const active = this.tracer.activeContext();
    const span = trace.getSpan(active);
    if (!span) return;
    const { traceId, spanId } = span.spanContext();
    req.traceContext = active;
    req.traceIds = { traceId, spanId };
  }

  private completed(req: GatewayRequest, res: ServerResponse): void {
    this.inFlight.delete(req);
    const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
    const route = routeOf(req) ?? UNMATCHED_ROUTE;
    const durationMs = performance.now() - (req.receivedAt ?? 0);
    const served = req.served;
    this.metrics.httpRequest(
      route,
      served?.model ?? '',
      served?.deployment ?? '',
      status,
      durationMs / 1000,
      req.failure?.code,
    );
    if (this.access === null) return;
    this.access ??= PinoLogger.root.child({ context: 'Access' });
    this.logAccess(this.access, req, route, status, durationMs);
  }

  private logAccess(
    access: Pino,
    req: GatewayRequest,
    route: string,
    status: number,
    durationMs: number,
  ): void {
    const served = req.served;
    access.info(
      {
        ...requestLogFields(req),
        method: req.method,
        route,
        status,
        duration_ms: round(durationMs),
        overhead_ms: round(served?.overheadMs ?? durationMs - (req.upstreamMs ?? 0)),
        ...(served && {
          model: served.model,
          deployment: served.deployment,
          stream: served.stream,
          prompt_tokens: served.promptTokens,
          completion_tokens: served.completionTokens,
        }),
        ...(req.failure && { code: req.failure.code }),
        client_ip: req.socket.remoteAddress,
      },
      'request completed',
    );
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

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
