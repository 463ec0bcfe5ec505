import { Injectable } from '@nestjs/common';
import type {
  Attributes,
  Context,
  Span,
  SpanKind,
  SpanOptions,
  TimeInput,
  Tracer,
} from '@opentelemetry/api';
import type { GatewayRequest } from '@routeiq/common';
import type { IncomingMessage } from 'node:http';
import {
  contextApi,
  propagationApi,
  ROOT_CONTEXT,
  SPAN_KIND,
  STATUS_CODE,
  traceApi,
} from '../telemetry/otel-api';
import { telemetryRuntime } from '../telemetry/telemetry-runtime';
import { Common } from './gen-ai.attributes';
import { ServerSpan } from './server-span';
import { rawTraceHeaders, serverBlock } from './server-span.attributes';
import { spanName } from './span-names';
import { GATEWAY_TRACER_NAME } from './spans/gateway-scope';
import type { AttributeBlock } from './spans/attribute-block';
import type { EndedChildSpan } from './spans/ended-child.span';
import { GatewaySpan } from './spans/gateway-span';
import { GatewaySpanTracer } from './spans/gateway-span.tracer';
import type { PiecewiseText } from './spans/piecewise-text';
import { UnsampledSpan } from './spans/unsampled.span';
import { contextWithSpan } from './spans/linked-context';
import { isUntracedPath } from './untraced-paths';

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
  /** The gateway makes the HTTP server spans (unless the http instrumentation is on). */
  readonly ownsServerSpans: boolean;
  /** The gateway sends `traceparent` upstream (unless the undici instrumentation is on). */
  readonly injectsUpstream: boolean;
  /** Context propagates as W3C trace context (and baggage) only. */
  private readonly w3cPropagation: boolean;
  private readonly tracer: Tracer;
  /** The tracer when it is the gateway's own (its spans' children are made directly). */
  private readonly own: GatewaySpanTracer | undefined;

  constructor() {
    const runtime = telemetryRuntime();
    this.enabled = runtime.tracing;
    this.captureContent = runtime.captureContent;
    this.ownsServerSpans = runtime.tracing && !runtime.httpInstrumented;
    this.injectsUpstream = runtime.tracing && !runtime.undiciInstrumented;
    this.w3cPropagation = runtime.w3cPropagation === true;
    this.tracer = runtime.tracer ?? traceApi.getTracer(GATEWAY_TRACER_NAME);
    this.own = this.tracer instanceof GatewaySpanTracer ? this.tracer : undefined;
  }

  /**
   * Starts a span. `attributes` is called only when the span is recorded: most requests are not
   * sampled (ratio 0.1 by default) and pay nothing for attributes nobody will see.
   */
  startSpan(
    name: string,
    options: SpanOptions,
    parent: Context | undefined,
    attributes?: () => Attributes,
  ): Span {
    const span = this.tracer.startSpan(name, options, parent ?? ROOT_CONTEXT);
    if (attributes && span.isRecording()) span.setAttributes(attributes());
    return span;
  }

  /**
   * A child of `parent`, whose context (`parent` active in it) is `parentContext`, of `kind`,
   * started at `startTime` (a `performance.now()` reading or epoch milliseconds; now when not
   * given). A span of the
   * gateway's own tracer gets its child without the context lookups and options of `startSpan`
   * (the request's routing and upstream-call spans); any other goes through `startSpan`.
   */
  startChildSpan(
    parent: Span,
    parentContext: Context,
    name: string,
    kind: SpanKind,
    startTime?: number,
  ): Span {
    const own = this.own;
    if (own !== undefined && (parent instanceof GatewaySpan || parent instanceof UnsampledSpan))
      return own.startChild(parent, name, kind, startTime);
    const options = startTime === undefined ? { kind } : { kind, startTime };
    return this.tracer.startSpan(name, options, parentContext);
  }

  /** Shared attributes on `span`: one piece on the gateway's own spans, one by one on others. */
  addAttributeBlock(span: Span, block: AttributeBlock): void {
    if (span instanceof GatewaySpan) span.addAttributeBlock(block);
    else if (span.isRecording()) span.setAttributes(block.toAttributes());
  }

  /**
   * An event whose one attribute is piecewise text: written from its pieces on the gateway's own
   * spans, as a string on others.
   */
  addTextEvent(span: Span, name: string, key: string, text: PiecewiseText, time?: TimeInput): void {
    if (span instanceof GatewaySpan) span.addTextEvent(name, key, text, time);
    else if (span.isRecording()) span.addEvent(name, { [key]: text.toString() }, time);
  }

  /**
   * `child`, a span of `parent` (whose context is `parentContext`) that has ended: one record to
   * the exporter under a recording span of the gateway's own tracer, else a span made and ended
   * here with the same name, times, attributes and event.
   */
  addEndedChild(parent: Span, parentContext: Context, child: EndedChildSpan): void {
    const own = this.own;
    if (
      own !== undefined &&
      parent instanceof GatewaySpan &&
      parent.isRecording() &&
      own.takeEndedChild(parent, child)
    )
      return;
    const span = this.startChildSpan(parent, parentContext, child.name, child.kind, child.startMs);
    this.addAttributeBlock(span, child.block);
    span.setAttribute(child.key, child.value);
    this.addTextEvent(span, child.eventName, child.eventKey, child.eventText, child.endMs);
    span.end(child.endMs);
  }

  /** `parent` with `span` as the active span. */
  contextWith(span: Span, parent: Context | undefined): Context {
    return contextWithSpan(parent, span);
  }

  /** The context active right now (inside an instrumented listener: the HTTP server span's). */
  activeContext(): Context {
    return contextApi.active();
  }

  /**
   * The HTTP server span of a request, child of the caller's `traceparent` when it sent one;
   * undefined for probes and scrapes. HTTP semantic-convention attributes; the route, status and
   * name are set by `endServerSpan`.
   */
  startServerSpan(req: IncomingMessage): ServerSpan | undefined {
    const url = req.url ?? '/';
    if (isUntracedPath(url)) return undefined;
    // W3C propagation only and neither of its headers: what the propagators would extract is
    // nothing (most requests), without asking them. The raw header list is read, not Node's
    // `headers` object: its getter is read by the framework too, and a read at this point of the
    // request object's life made it see five hidden classes, megamorphic (docs/performance.md
    // "Tracing overhead", session 16).
    const raw = this.w3cPropagation ? rawTraceHeaders(req.rawHeaders) : undefined;
    const parent =
      raw !== undefined && !raw.context
        ? ROOT_CONTEXT
        : propagationApi.extract(ROOT_CONTEXT, req.headers);
    // The observer's arrival reading, when it took one: one clock read less per request.
    const receivedAt = (req as GatewayRequest).receivedAt;
    const options =
      receivedAt === undefined ? SERVER : { kind: SPAN_KIND.SERVER, startTime: receivedAt };
    const span = this.tracer.startSpan(req.method ?? 'GET', options, parent);
    if (span.isRecording())
      this.setServerAttributes(span, req, url, raw ? raw.userAgent : req.headers['user-agent']);
    return new ServerSpan(span, contextWithSpan(parent, span));
  }

  /** HTTP semantic-convention attributes of a server span (no attribute object between). */
  private setServerAttributes(
    span: Span,
    req: IncomingMessage,
    url: string,
    agent: string | undefined,
  ): void {
    const query = url.indexOf('?');
    const method = req.method ?? 'GET';
    const path = query < 0 ? url : url.slice(0, query);
    const block = serverBlock(method, req.httpVersion, path);
    if (block) this.addAttributeBlock(span, block);
    else {
      span.setAttribute('http.request.method', method);
      span.setAttribute('url.path', path);
      span.setAttribute('url.scheme', 'http');
      span.setAttribute('network.protocol.version', req.httpVersion);
    }
    // The client as the trusted proxies report it; the TCP peer too when that is a proxy.
    const peer = req.socket.remoteAddress;
    const client = (req as GatewayRequest).clientIp ?? peer;
    if (client) span.setAttribute('client.address', client);
    if (peer && peer !== client) span.setAttribute('network.peer.address', peer);
    if (agent) span.setAttribute('user_agent.original', agent);
  }

  /**
   * Sets what the response decided (route, status, error) and closes the server span, at `at`
   * (a `performance.now()` reading; now when not given).
   */
  endServerSpan(
    server: ServerSpan,
    method: string,
    route: string | undefined,
    status: number,
    error?: string,
    at?: number,
  ): void {
    const span = server.span;
    if (span.isRecording()) {
      if (route !== undefined) {
        span.setAttribute('http.route', route);
        span.updateName(spanName(method, route));
      }
      span.setAttribute(Common.HTTP_STATUS, status);
      if (error !== undefined) span.setAttribute(Common.ERROR_TYPE, error);
      if (status >= 500) span.setStatus({ code: STATUS_CODE.ERROR });
    }
    server.close(at);
  }

  /**
   * The request's server span for its handler to describe as the one span of the request; undefined
   * when the gateway does not make server spans (the http instrumentation does) or it is taken.
   * The handler calls `release()` on it when done.
   */
  adoptServerSpan(req: GatewayRequest): ServerSpan | undefined {
    const server = req.serverSpan as ServerSpan | undefined;
    return server?.adopt() ? server : undefined;
  }

  /**
   * `traceparent` (and `tracestate`) for an upstream call whose span is `span`, a child of
   * `parent`. Propagating W3C trace context only, with a span of the gateway's own and no baggage
   * to carry, the headers are written here as the W3C propagator writes them (without a context
   * made for the call, the propagation API's lookups and the carrier's setter); otherwise they
   * come from the propagation API.
   */
  upstreamHeadersOf(span: Span, parent: Context | undefined): Record<string, string> {
    if (
      this.w3cPropagation &&
      (span instanceof GatewaySpan || span instanceof UnsampledSpan) &&
      (parent === undefined || propagationApi.getBaggage(parent) === undefined)
    ) {
      const ids = span.spanContext();
      const flags: number = ids.traceFlags;
      // A join builds the value flat: a template makes four cons strings that undici's header
      // check then flattens (~70 ns and ~150 bytes more, measured).
      const traceparent = [
        '00',
        ids.traceId,
        ids.spanId,
        flags === 1 ? '01' : `0${flags.toString(16)}`,
      ].join('-');
      const headers: Record<string, string> = { traceparent };
      if (ids.traceState) headers.tracestate = ids.traceState.serialize();
      return headers;
    }
    return this.upstreamHeaders(contextWithSpan(parent, span));
  }

  /** `traceparent` (and `tracestate`) for an upstream call made in `ctx`. */
  upstreamHeaders(ctx: Context): Record<string, string> {
    const headers: Record<string, string> = {};
    propagationApi.inject(ctx, headers);
    return headers;
  }
}

const SERVER: SpanOptions = Object.freeze({ kind: SPAN_KIND.SERVER });
