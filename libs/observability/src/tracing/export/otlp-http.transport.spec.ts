import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  OTLP_RETRY_POLICY,
  OtlpExportError,
  OtlpHttpTransport,
  retryAfterMillis,
  type OtlpRetryPolicy,
} from './otlp-http.transport';
import { resolveOtlpTraceExportConfig } from './otlp-trace-export.config';
import { unusedPort } from '../../../../../test/support/unused-port';

type Answer = (req: IncomingMessage, res: ServerResponse, attempt: number) => void;

/** Backoffs short enough for a test; the schedule's shape is the SDK's. */
const QUICK: OtlpRetryPolicy = { ...OTLP_RETRY_POLICY, initialBackoffMillis: 20, jitter: 0 };
const BODY = Buffer.from([0x0a, 0x00]);

const servers: Server[] = [];
const transports: OtlpHttpTransport[] = [];

async function collector(answer: Answer): Promise<{ url: string; attempts: () => number }> {
  let attempts = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res, ++attempts));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, attempts: () => attempts };
}

function transportTo(url: string, timeout = 5_000, policy = QUICK): OtlpHttpTransport {
  const config = resolveOtlpTraceExportConfig({
    OTEL_EXPORTER_OTLP_ENDPOINT: url,
    OTEL_EXPORTER_OTLP_TIMEOUT: String(timeout),
  });
  const transport = new OtlpHttpTransport(config, policy);
  transports.push(transport);
  return transport;
}

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

describe(OtlpHttpTransport.name, () => {
  it.each([429, 502, 503, 504])(
    'tries again after HTTP %i until the collector takes it',
    async (status) => {
      const target = await collector((_req, res, attempt) =>
        res.writeHead(attempt < 3 ? status : 200).end(),
      );

      await transportTo(target.url).post(BODY);

      expect(target.attempts()).toBe(3);
    },
  );

  it.each([400, 401, 404, 413, 500])('gives up at once on HTTP %i', async (status) => {
    const target = await collector((_req, res) => res.writeHead(status).end());

    const failure = transportTo(target.url).post(BODY);

    await expect(failure).rejects.toThrow(new RegExp(`HTTP ${status}`));
    await expect(failure).rejects.toMatchObject({ status });
    expect(target.attempts()).toBe(1);
  });

  it('stops after the policy’s attempts, failing with the last answer', async () => {
    const target = await collector((_req, res) => res.writeHead(503).end());

    const failure = transportTo(target.url).post(BODY);

    await expect(failure).rejects.toThrow(/HTTP 503 Service Unavailable/);
    expect(target.attempts()).toBe(QUICK.maxAttempts);
  });

  it('waits as long as Retry-After says', async () => {
    const times: number[] = [];
    const target = await collector((_req, res, attempt) => {
      times.push(Date.now());
      if (attempt === 1) res.writeHead(503, { 'retry-after': '1' }).end();
      else res.end();
    });

    await transportTo(target.url).post(BODY);

    expect(target.attempts()).toBe(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it('fails without waiting when Retry-After reaches past the deadline', async () => {
    const target = await collector((_req, res) =>
      res.writeHead(429, { 'retry-after': '30' }).end(),
    );
    const started = Date.now();

    const failure = transportTo(target.url, 2_000).post(BODY);

    await expect(failure).rejects.toBeInstanceOf(OtlpExportError);
    await expect(failure).rejects.toThrow(/HTTP 429 Too Many Requests/);
    expect(target.attempts()).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('tries again when the collector refused the connection, once it listens', async () => {
    const port = await unusedPort();
    const transport = transportTo(`http://127.0.0.1:${port}`, 5_000, {
      ...QUICK,
      initialBackoffMillis: 300,
    });
    const started = Date.now();
    const sent = transport.post(BODY);
    // The first attempt is refused within milliseconds; the next one comes 300 ms later.
    await sleep(100);
    let attempts = 0;
    const late = createServer((req, res) => {
      attempts += 1;
      req.resume();
      req.on('end', () => res.end());
    });
    servers.push(late);
    await new Promise<void>((resolve) => late.listen(port, '127.0.0.1', resolve));

    await sent;

    expect(attempts).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('gives up on a refused connection when the next wait does not fit before the deadline', async () => {
    const port = await unusedPort();

    const failure = transportTo(`http://127.0.0.1:${port}`, 500, OTLP_RETRY_POLICY).post(BODY);

    await expect(failure).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe(retryAfterMillis.name, () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(retryAfterMillis('2')).toBe(2_000);
    expect(retryAfterMillis(['0'])).toBe(0);
    expect(retryAfterMillis(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(55_000);
    expect(retryAfterMillis('Thu, 01 Jan 1970 00:00:00 GMT')).toBe(0);
    expect(retryAfterMillis('soon')).toBeUndefined();
    expect(retryAfterMillis('-1')).toBeUndefined();
    expect(retryAfterMillis(undefined)).toBeUndefined();
  });
});
