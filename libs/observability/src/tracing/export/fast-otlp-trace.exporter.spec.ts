import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeTraceRequest } from './__fixtures__/otlp-trace-decoder.fixture';
import { recordSampleSpans } from './__fixtures__/sample-spans.fixture';
import { FastOtlpTraceExporter, type OtlpTraceExportEnv } from './fast-otlp-trace.exporter';
import { OtlpProtoEncoder } from './otlp-proto.encoder';
import { unusedPort } from '../../../../../test/support/unused-port';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly socket: Socket;
}
type Handler = (req: IncomingMessage, res: ServerResponse, received: Received) => void;

interface Collector {
  readonly base: string;
  readonly received: Received[];
  handle: Handler;
}

const spans = recordSampleSpans();
const servers: Server[] = [];
const exporters: FastOtlpTraceExporter[] = [];

async function startCollector(handle: Handler = (_req, res) => res.end()): Promise<Collector> {
  const collector: Collector = { base: '', received: [], handle };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
        socket: req.socket,
      };
      collector.received.push(received);
      collector.handle(req, res, received);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(collector, { base: `http://127.0.0.1:${port}` });
}

function exporterFor(env: OtlpTraceExportEnv, concurrencyLimit?: number): FastOtlpTraceExporter {
  const exporter = new FastOtlpTraceExporter(env, { concurrencyLimit });
  exporters.push(exporter);
  return exporter;
}

function exportOnce(exporter: FastOtlpTraceExporter, batch: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(batch, resolve));
}

/** Polls until `condition` holds; gives up (failing the test) after 5 s. */
async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Exports come seconds apart; undici hands a connection back to its pool a turn of the event loop
 * after the response ended, so back-to-back exports wait for it as later ones would.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

afterEach(async () => {
  await Promise.all(exporters.splice(0).map((exporter) => exporter.shutdown()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe(FastOtlpTraceExporter.name, () => {
  it('POSTs the protobuf request to /v1/traces with the env headers and reports SUCCESS', async () => {
    const collector = await startCollector();
    const exporter = exporterFor({
      OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.base}/`,
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20t0ken,x-tenant=general',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=traces',
    });

    const result = await exportOnce(exporter, spans);

    expect(result).toEqual({ code: ExportResultCode.SUCCESS });
    const [request] = collector.received;
    expect(request?.path).toBe('/v1/traces');
    expect(request?.headers).toMatchObject({
      'content-type': 'application/x-protobuf',
      authorization: 'Bearer t0ken',
      'x-tenant': 'traces',
    });
    expect(request?.headers['content-encoding']).toBeUndefined();
    expect(decodeTraceRequest(request!.body)).toEqual(
      decodeTraceRequest(new OtlpProtoEncoder().encode(spans)),
    );
  });

  it('sends credentials of the endpoint URL as basic auth, headers of the env winning', async () => {
    const collector = await startCollector();
    const withUser = collector.base.replace('http://', 'http://otel:p%40ss@');
    const basic = exporterFor({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${withUser}/v1/traces` });
    const bearer = exporterFor({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${withUser}/v1/traces`,
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20t0ken',
    });

    await exportOnce(basic, spans);
    await exportOnce(bearer, spans);

    expect(collector.received.map((r) => r.headers.authorization)).toEqual([
      `Basic ${Buffer.from('otel:p@ss').toString('base64')}`,
      'Bearer t0ken',
    ]);
  });

  it('gzips the body when compression is gzip', async () => {
    const collector = await startCollector();
    const exporter = exporterFor({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.base}/custom/traces`,
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip',
    });

    expect(await exportOnce(exporter, spans)).toEqual({ code: ExportResultCode.SUCCESS });

    const [request] = collector.received;
    expect(request?.path).toBe('/custom/traces');
    expect(request?.headers['content-encoding']).toBe('gzip');
    expect(Number(request?.headers['content-length'])).toBe(request?.body.length);
    expect(gunzipSync(request!.body)).toEqual(new OtlpProtoEncoder().encode(spans));
  });

  it('reuses one keep-alive connection across exports', async () => {
    const collector = await startCollector();
    const exporter = exporterFor({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.base });

    await exportOnce(exporter, spans);
    await nextTurn();
    await exportOnce(exporter, spans);

    expect(collector.received).toHaveLength(2);
    expect(collector.received[1]?.socket).toBe(collector.received[0]?.socket);
  });

  it('retries once on a new connection when a pooled socket was closed by the collector', async () => {
    const dropped = new Set<Socket>();
    const collector = await startCollector((_req, res, received) => {
      const reused = collector.received.filter((r) => r.socket === received.socket).length > 1;
      if (reused && !dropped.has(received.socket)) {
        dropped.add(received.socket);
        received.socket.destroy();
        return;
      }
      res.end();
    });
    const exporter = exporterFor({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.base });
    await exportOnce(exporter, spans);
    await nextTurn();

    const result = await exportOnce(exporter, spans);

    expect(result).toEqual({ code: ExportResultCode.SUCCESS });
    expect(collector.received).toHaveLength(3);
    expect(collector.received[1]?.socket).toBe(collector.received[0]?.socket);
    expect(collector.received[2]?.socket).not.toBe(collector.received[0]?.socket);
  });

  it('reports FAILED naming the status on a 500', async () => {
    const collector = await startCollector((_req, res) => res.writeHead(500).end('boom'));
    const exporter = exporterFor({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.base });

    const result = await exportOnce(exporter, spans);

    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/HTTP 500 Internal Server Error/);
  });

  it('reports FAILED when the connection is refused until the deadline leaves no room to retry', async () => {
    const port = await unusedPort();
    const exporter = exporterFor({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: '500',
    });

    const result = await exportOnce(exporter, spans);

    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/ECONNREFUSED/);
  });

  it('reports FAILED after the timeout when the collector never answers', async () => {
    const collector = await startCollector(() => undefined);
    const exporter = exporterFor({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.base,
      OTEL_EXPORTER_OTLP_TIMEOUT: '200',
    });

    const result = await exportOnce(exporter, spans);

    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/timed out after 200 ms/);
  });

  it('fails fast beyond the concurrency limit instead of queueing', async () => {
    const held: ServerResponse[] = [];
    const collector = await startCollector((_req, res) => held.push(res));
    const exporter = exporterFor({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.base }, 1);
    const first = exportOnce(exporter, spans);
    const second = exportOnce(exporter, spans);

    const refused = await second;
    await waitUntil(() => held.length > 0);
    held[0]?.end();

    expect(refused.code).toBe(ExportResultCode.FAILED);
    expect(refused.error?.message).toMatch(/1 exports already in flight/);
    expect(await first).toEqual({ code: ExportResultCode.SUCCESS });
  });

  it('shutdown waits for exports in flight, then refuses new ones', async () => {
    const held: ServerResponse[] = [];
    const collector = await startCollector((_req, res) => held.push(res));
    const exporter = exporterFor({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.base });
    const events: string[] = [];
    exporter.export(spans, (result) => events.push(`export ${result.code}`));

    const shutdown = exporter.shutdown().then(() => events.push('shutdown'));
    await waitUntil(() => held.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual([]);
    held[0]?.end();
    await shutdown;

    expect(events).toEqual([`export ${ExportResultCode.SUCCESS}`, 'shutdown']);
    const late = await exportOnce(exporter, spans);
    expect(late.code).toBe(ExportResultCode.FAILED);
    expect(late.error?.message).toMatch(/shut down/);
  });

  it('never throws from export: a broken span becomes FAILED', async () => {
    const collector = await startCollector();
    const exporter = exporterFor({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.base });
    const broken = {
      ...spans[0],
      spanContext: () => {
        throw new Error('no context');
      },
    } as unknown as ReadableSpan;

    const result = await exportOnce(exporter, [broken]);

    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toBe('no context');
    expect(collector.received).toHaveLength(0);
  });

  it('reports SUCCESS for an empty batch without a request', async () => {
    const collector = await startCollector();
    const exporter = exporterFor({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.base });

    expect(await exportOnce(exporter, [])).toEqual({ code: ExportResultCode.SUCCESS });
    expect(collector.received).toHaveLength(0);
  });

  it('rejects bad OTLP variables when constructed', () => {
    expect(() => new FastOtlpTraceExporter({ OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd' })).toThrow(
      /OTEL_EXPORTER_OTLP_COMPRESSION: must be gzip or none/,
    );
  });
});
