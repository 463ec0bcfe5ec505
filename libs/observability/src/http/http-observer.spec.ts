import { attachRequestIds, type GatewayRequest } from '@routeiq/common';
import { ServerConfig, type LogLevel } from '@routeiq/config';
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import { parsePrometheusText, sampleValue } from '../../../../test/support/prometheus-parser';
import { logDestination } from '../log-destination';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ObservabilityConfig } from '../observability.config';
import { AlwaysOnSampler } from '@opentelemetry/sdk-trace-base';
import { setTelemetryRuntime, telemetryRuntime } from '../telemetry/telemetry-runtime';
import { GatewayTracer } from '../tracing/gateway-tracer';
import type { GatewaySpan, GatewaySpanSink } from '../tracing/spans/gateway-span';
import { resolveGatewaySpanLimits } from '../tracing/spans/gateway-span.config';
import { GatewaySpanTracer } from '../tracing/spans/gateway-span.tracer';
import { HttpObserver } from './http-observer';

// The process's log stream writes to fd 1 directly (not through process.stdout), so the access
// lines are captured by replacing that one stream.
jest.mock('../log-destination', () => {
  const lines: string[] = [];
  const stream = { lines, write: (line: string) => void lines.push(line) };
  return { logDestination: () => stream };
});

type Handler = (req: GatewayRequest, res: ServerResponse) => void;
type Labels = Record<string, string>;

const written = (): string[] => (logDestination() as unknown as { lines: string[] }).lines;
const accessLines = (): Array<Record<string, unknown>> =>
  written().map((line) => JSON.parse(line) as Record<string, unknown>);

class EndedSpans implements GatewaySpanSink {
  readonly limits = resolveGatewaySpanLimits({});
  readonly spans: GatewaySpan[] = [];
  spanEnded(span: GatewaySpan): void {
    this.spans.push(span);
  }
}

/** A tracer that makes the server spans itself and records every span, ended ones to `sink`. */
function tracingTracer(sink: GatewaySpanSink): GatewayTracer {
  const previous = telemetryRuntime();
  const tracer = new GatewaySpanTracer(new AlwaysOnSampler(), sink);
  setTelemetryRuntime({ ...previous, tracing: true, tracer });
  try {
    return new GatewayTracer();
  } finally {
    setTelemetryRuntime(previous);
  }
}

/** Polls (yielding to I/O) until `check` holds; fails after 2 s. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met within 2 s');
    await tick();
  }
}

describe(HttpObserver.name, () => {
  let metrics: GatewayMetrics;
  let server: Server;
  let handler: Handler;
  let base: string;

  const value = (name: string, labels: Labels): number | undefined =>
    sampleValue(parsePrometheusText(metrics.prometheusText()), name, labels);
  const requests = (labels: Labels) => value('routeiq_requests_total', labels);

  /** A GET that resolves with the status and body once the response has ended. */
  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${base}${path}`, { headers, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  async function start(
    accessLog = true,
    logLevel: LogLevel = 'info',
    tracer = new GatewayTracer(),
  ): Promise<void> {
    metrics = new GatewayMetrics();
    const config = Object.assign(new ObservabilityConfig(), { accessLog });
    const serverConfig = Object.assign(new ServerConfig(), { logLevel });
    const observer = new HttpObserver(metrics, tracer, config, serverConfig);
    server = createServer((req, res) => handler(req as GatewayRequest, res));
    // As the gateway bootstrap does: both prepend, so ids are assigned before the observer runs.
    observer.attach(server);
    attachRequestIds(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeEach(() => {
    written().length = 0;
    handler = (_req, res) => res.writeHead(204).end();
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    metrics.onModuleDestroy();
  });

  it('counts a request no Express route matched as `unmatched`, with its status', async () => {
    await start();
    expect((await get('/nowhere')).status).toBe(204);
    await until(() => requests({ route: 'unmatched' }) !== undefined);
    const labels = { route: 'unmatched', model: '', deployment: '', status: '204' };
    expect(requests(labels)).toBe(1);
    const duration = { route: 'unmatched', model: '', status: '204' };
    expect(value('routeiq_request_duration_seconds_count', duration)).toBe(1);
    expect(value('routeiq_request_errors_total', {})).toBeUndefined();
  });

  it("labels a routed request with Express's route template, model and deployment", async () => {
    handler = (req, res) => {
      Object.assign(req, { route: { path: '/v1/items/:id' } });
      req.served = { model: 'gpt', deployment: 'dep-1', stream: false };
      res.writeHead(200).end('ok');
    };
    await start();
    await get('/v1/items/42');
    await get('/v1/items/43');
    await until(() => requests({ route: '/v1/items/:id' }) === 2);
    const labels = { route: '/v1/items/:id', model: 'gpt', deployment: 'dep-1', status: '200' };
    expect(requests(labels)).toBe(2);
  });

  it('counts an error response with the code the exception filter noted', async () => {
    handler = (req, res) => {
      req.failure = { status: 503, code: 'no_deployment_available' };
      res.writeHead(503).end();
    };
    await start();
    expect((await get('/v1/x')).status).toBe(503);
    const labels = { route: 'unmatched', status: '503', code: 'no_deployment_available' };
    await until(() => value('routeiq_request_errors_total', labels) === 1);
    expect(requests({ route: 'unmatched', status: '503' })).toBe(1);
  });

  it('shows a request in flight while it is pending, by route once routed', async () => {
    const pending: ServerResponse[] = [];
    handler = (req, res) => {
      if (req.url === '/routed') Object.assign(req, { route: { path: '/routed' } });
      pending.push(res);
    };
    await start();
    const answers = [get('/raw'), get('/raw'), get('/routed')];
    await until(() => pending.length === 3);
    const inFlight = (route: string) => value('routeiq_requests_in_flight', { route });
    expect([inFlight('pending'), inFlight('/routed')]).toEqual([2, 1]);
    pending.forEach((res) => res.writeHead(200).end());
    await Promise.all(answers);
    await until(() => inFlight('pending') === undefined && inFlight('/routed') === undefined);
  });

  it('counts 499 when the client goes away before the response is complete', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first part');
      res.once('close', closed);
    };
    await start();
    await new Promise<void>((resolve, reject) => {
      const req = request(`${base}/v1/stream`, { agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      req.end();
    });
    await serverSawClose;
    await until(() => requests({ status: '499' }) === 1);
    expect(requests({ status: '200' })).toBeUndefined();
    await until(() => written().length === 1);
    expect(accessLines()[0]).toMatchObject({ status: 499, route: 'unmatched' });
  });

  it('writes one access line per request with its ids, timings and what served it', async () => {
    handler = (req, res) => {
      Object.assign(req, { route: { path: '/v1/chat/completions' } });
      req.upstreamMs = 0;
      const usage = { promptTokens: 11, completionTokens: 7, overheadMs: 1.25 };
      req.served = { model: 'gpt', deployment: 'dep-1', stream: true, ...usage };
      res.writeHead(200).end('{}');
    };
    await start();
    await get('/v1/chat/completions?x=1', { 'x-request-id': 'req-observer-1' });
    await until(() => written().length === 1);
    const [line] = accessLines();
    expect(line).toMatchObject({
      level: 30,
      service: 'routeiq-gateway',
      context: 'Access',
      msg: 'request completed',
      request_id: 'req-observer-1',
      method: 'GET',
      route: '/v1/chat/completions',
      status: 200,
      overhead_ms: 1.25,
      model: 'gpt',
      deployment: 'dep-1',
      stream: true,
      prompt_tokens: 11,
      completion_tokens: 7,
      client_ip: '127.0.0.1',
    });
    expect(line?.duration_ms).toEqual(expect.any(Number));
    expect(line).not.toHaveProperty('code');
    expect(line).not.toHaveProperty('trace_id');
  });

  it('ends the server span on completion and then lets go of it, keeping the ids for logs', async () => {
    const sink = new EndedSpans();
    let seen: GatewayRequest | undefined;
    let during: unknown;
    handler = (req, res) => {
      seen = req;
      during = req.serverSpan;
      res.writeHead(200).end('{}');
    };
    await start(true, 'info', tracingTracer(sink));
    await get('/v1/models');
    await until(() => written().length === 1);

    const [span] = sink.spans;
    expect(during).toBeDefined();
    expect(span?.name).toBe('GET');
    expect(span?.ended).toBe(true);
    // An ended span left on the request would be kept (and promoted) as long as the request is.
    expect(seen?.serverSpan).toBeUndefined();
    expect(seen?.traceContext).toBeUndefined();
    const ids = { traceId: span?.spanContext().traceId, spanId: span?.spanContext().spanId };
    // The gateway's own span: its ids are known to be hex.
    expect(seen?.traceIds).toEqual({ ...ids, hex: true });
    expect(accessLines()[0]).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId });
  });

  it("takes upstream waits out of a failed request's overhead and names its code", async () => {
    handler = (req, res) => {
      req.upstreamMs = 5;
      req.failure = { status: 502, code: 'upstream_error' };
      setTimeout(() => res.writeHead(502).end(), 20);
    };
    await start();
    await get('/v1/fail');
    await until(() => written().length === 1);
    const [line] = accessLines();
    expect(line).toMatchObject({ status: 502, code: 'upstream_error', route: 'unmatched' });
    expect(line).not.toHaveProperty('model');
    // The 20 ms timer may fire a fraction of a millisecond early by the observer's clock.
    expect(line?.duration_ms as number).toBeGreaterThanOrEqual(15);
    expect((line?.duration_ms as number) - (line?.overhead_ms as number)).toBeCloseTo(5, 2);
  });

  it('writes no access line when the access log is off, and still counts', async () => {
    await start(false);
    await get('/quiet');
    await until(() => requests({ status: '204' }) === 1);
    await tick();
    expect(written()).toEqual([]);
  });

  it('writes no access line below the configured log level', async () => {
    await start(true, 'warn');
    await get('/quiet');
    await until(() => requests({ status: '204' }) === 1);
    await tick();
    expect(written()).toEqual([]);
  });
});
