// The gateway's stdout as a log shipper sees it: the built gateway as a real process, real stubs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  freePort,
  stackEnvironment,
  TEST_ADMIN_KEY,
  TEST_MASTER_KEY,
} from './support/gateway-harness';
import { spawnGateway } from './support/gateway-process';
import { OpenAiStubServer } from './support/openai-stub.server';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver';

const CHAT = '/v1/chat/completions';
const UPSTREAM_KEY = 'sk-upstream-SECRET-obs-0123456789';
const WRONG_KEY = 'sk-wrong-client-key-obs-0123456789';
const CANARY = 'PROMPT-CANARY-obs-5c1e';
const TEAM_ID = 'obs-team';
const CLIENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_PARENT_ID = '00f067aa0ba902b7';
const UPSTREAM_ERROR = { message: 'upstream exploded', type: 'server_error', code: null };

type LogLine = Record<string, unknown>;
type Headers = Record<string, string>;

type Sent = { name: string; status: number; requestId: string; code?: string; body: unknown };

interface Run {
  readonly sent: Sent[];
  /** stdout, one parsed JSON object per line. */
  readonly lines: LogLine[];
  /** stdout + stderr, for the secrets check. */
  readonly output: string;
  readonly virtualKey?: string;
}

type Traffic = (
  base: string,
  failing: OpenAiStubServer,
) => Promise<Pick<Run, 'sent' | 'virtualKey'>>;

function parseLines(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`stdout line ${index + 1} is not JSON: ${line}`);
      }
    });
}

const isAccess = (line: LogLine): boolean =>
  line.context === 'Access' && line.msg === 'request completed';

/** The lines written after the start-up line and before the shutdown line. */
function trafficLines(lines: LogLine[]): LogLine[] {
  const start = lines.findIndex((l) => String(l.msg).startsWith('RouteIQ Gateway listening on'));
  const stop = lines.findIndex((l) => String(l.msg).endsWith(': shutting down'));
  expect(start).toBeGreaterThanOrEqual(0);
  expect(stop).toBeGreaterThan(start);
  return lines.slice(start + 1, stop);
}

async function send(
  base: string,
  name: string,
  path: string,
  headers: Headers,
  body: string,
): Promise<Sent> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // a stream: kept as text
  }
  const code = (parsed as { error?: { code?: string } }).error?.code;
  const requestId = res.headers.get('x-request-id') ?? '';
  return { name, status: res.status, requestId, body: parsed, ...(code && { code }) };
}

const chatBody = (model: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ model, messages: [{ role: 'user', content: CANARY }], ...extra });
const bearer = (key: string, extra: Headers = {}): Headers => ({
  authorization: `Bearer ${key}`,
  ...extra,
});

/**
 * Admin calls for a team and a virtual key, one request of each kind, then (the `broken` breaker
 * opened by the 5xx, its upstream healthy again) a trial request that closes the breaker.
 */
const fullTraffic: Traffic = async (base, failing) => {
  const admin = { 'x-admin-api-key': TEST_ADMIN_KEY };
  const team = await send(base, 'team', '/team/new', admin, JSON.stringify({ team_id: TEAM_ID }));
  const keyBody = JSON.stringify({ key_alias: 'obs-alias', team_id: TEAM_ID });
  const key = await send(base, 'key', '/key/generate', admin, keyBody);
  expect([team.status, key.status]).toEqual([200, 200]);
  const virtualKey = (key.body as { key: string }).key;
  const master = bearer(TEST_MASTER_KEY);
  const traceparent = `00-${CLIENT_TRACE_ID}-${CLIENT_PARENT_ID}-01`;
  const streamed = { stream: true, stream_options: { include_usage: true } };
  const calls: Array<[string, Headers, string]> = [
    ['master', bearer(TEST_MASTER_KEY, { traceparent }), chatBody('gpt-4o-mini')],
    ['virtual', bearer(virtualKey), chatBody('gpt-4o-mini')],
    ['stream', master, chatBody('gpt-4o-mini', streamed)],
    ['unauthorized', bearer(WRONG_KEY), chatBody('gpt-4o-mini')],
    ['bad-body', master, '{"model": "gpt-4o-mini", "messages": '],
    ['no-model', master, chatBody('no-such-model')],
    ['upstream-5xx', master, chatBody('broken')],
  ];
  const sent = [team, key];
  for (const [name, headers, body] of calls) sent.push(await send(base, name, CHAT, headers, body));
  await sleep(700);
  failing.clearFailures();
  sent.push(await send(base, 'recovered', CHAT, master, chatBody('broken')));
  return { sent, virtualKey };
};

const configYaml = (okBase: string, failBase: string): string =>
  [
    'model_list:',
    '  - model_name: gpt-4o-mini',
    `    litellm_params: { model: openai/gpt-4o-mini, api_base: "${okBase}", api_key: ${UPSTREAM_KEY} }`,
    '    model_info: { id: stub-ok }',
    '  - model_name: broken',
    `    litellm_params: { model: openai/broken, api_base: "${failBase}", api_key: ${UPSTREAM_KEY} }`,
    '    model_info: { id: stub-failing }',
    'router_settings:',
    '  circuit_breaker: { failure_threshold: 1, recovery_timeout_seconds: 0.5, success_threshold: 1 }',
    '',
  ].join('\n');

/** Starts the built gateway on two stubs (the second failing), runs traffic, stops it (SIGTERM). */
async function runGateway(env: Record<string, string | undefined>, traffic: Traffic): Promise<Run> {
  const [healthy, failing] = [new OpenAiStubServer(), new OpenAiStubServer()];
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-obs-logs-'));
  const stack = await stackEnvironment();
  try {
    writeFileSync(join(dir, 'c.yaml'), configYaml(await healthy.start(), await failing.start()));
    failing.failAll(CHAT, { kind: 'json', status: 500, body: { error: UPSTREAM_ERROR } });
    const port = await freePort();
    const proc = spawnGateway(
      ['--config', join(dir, 'c.yaml'), '--port', String(port), '--host', '127.0.0.1'],
      {
        ...stack.env,
        ROUTEIQ_DATA_DIR: join(dir, 'data'),
        LITELLM_MASTER_KEY: TEST_MASTER_KEY,
        ADMIN_API_KEYS: TEST_ADMIN_KEY,
        LITELLM_LOG: 'info',
        ...{ LITELLM_CONFIG_PATH: undefined, CONFIG_FILE_PATH: undefined },
        ...{ OTEL_ENABLED: undefined, OTEL_SDK_DISABLED: undefined, ROUTEIQ_ACCESS_LOG: undefined },
        ...env,
      },
    );
    try {
      await proc.waitFor(/listening on/);
      const result = await traffic(`http://127.0.0.1:${port}`, failing);
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      return { ...result, lines: parseLines(proc.output()), output: proc.output() + proc.errors() };
    } finally {
      await proc.stop();
    }
  } finally {
    await Promise.all([healthy.stop(), failing.stop()]);
    await stack.database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const byName = (run: Run, name: string): Sent => {
  const sent = run.sent.find((s) => s.name === name);
  if (!sent) throw new Error(`no request named ${name}`);
  return sent;
};
const accessLinesOf = (run: Run, sent: Sent): LogLine[] =>
  run.lines.filter((l) => isAccess(l) && l.request_id === sent.requestId);

function expectEveryTrafficLineHasARequestId(run: Run): void {
  const lines = trafficLines(run.lines).map((l) => ({ msg: l.msg, request_id: l.request_id }));
  expect(lines.length).toBeGreaterThan(run.sent.length);
  expect(lines.filter((l) => typeof l.request_id !== 'string')).toEqual([]);
}

function expectNoSecrets(run: Run): void {
  const secrets = [TEST_MASTER_KEY, TEST_ADMIN_KEY, UPSTREAM_KEY, WRONG_KEY, CANARY];
  for (const secret of [...secrets, run.virtualKey ?? TEST_MASTER_KEY]) {
    expect({ secret, found: run.output.includes(secret) }).toEqual({ secret, found: false });
  }
}

describe('Gateway logs (a real process)', () => {
  describe('with tracing off', () => {
    let run: Run;

    beforeAll(async () => {
      run = await runGateway({}, fullTraffic);
    }, 60_000);

    it('writes exactly one JSON access line per request, with what the client got', () => {
      expect(run.lines.every((l) => typeof l.level === 'number' && typeof l.msg === 'string')).toBe(
        true,
      );
      expect(run.sent.map((s) => s.requestId)).not.toContain('');
      expect(run.lines.filter(isAccess)).toHaveLength(run.sent.length);
      for (const sent of run.sent) {
        const lines = accessLinesOf(run, sent);
        expect({ name: sent.name, count: lines.length }).toEqual({ name: sent.name, count: 1 });
        const line = lines[0]!;
        expect(line).toMatchObject({
          method: 'POST',
          status: sent.status,
          route: expect.any(String),
        });
        expect(line.overhead_ms).toBeGreaterThanOrEqual(0);
        expect(line.duration_ms).toBeGreaterThanOrEqual(line.overhead_ms as number);
        if (sent.status >= 400) expect(line.code).toBe(sent.code);
        else expect(line).not.toHaveProperty('code');
      }
    });

    it('names model, deployment, stream and the upstream usage on inference lines', () => {
      const chat = { route: CHAT, model: 'gpt-4o-mini', deployment: 'stub-ok', prompt_tokens: 11 };
      const [master] = accessLinesOf(run, byName(run, 'master'));
      expect(master).toMatchObject({ ...chat, status: 200, stream: false, completion_tokens: 7 });
      const [stream] = accessLinesOf(run, byName(run, 'stream'));
      expect(stream).toMatchObject({ ...chat, status: 200, stream: true, completion_tokens: 5 });
      const failed = byName(run, 'upstream-5xx');
      expect(failed.status).toBeGreaterThanOrEqual(500);
      expect(accessLinesOf(run, failed)[0]).toMatchObject({
        route: CHAT,
        model: 'broken',
        deployment: 'stub-failing',
        code: failed.code,
      });
      expect(accessLinesOf(run, byName(run, 'no-model'))[0]).toMatchObject({
        status: 404,
        code: 'model_not_found',
      });
      const statuses = ['unauthorized', 'bad-body', 'recovered'].map((n) => byName(run, n).status);
      expect(statuses).toEqual([401, 400, 200]);
    });

    it('names the key alias and team on the virtual key request only', () => {
      const [virtual] = accessLinesOf(run, byName(run, 'virtual'));
      expect(virtual).toMatchObject({ key_alias: 'obs-alias', team_id: TEAM_ID, status: 200 });
      const [master] = accessLinesOf(run, byName(run, 'master'));
      expect(master).not.toHaveProperty('key_alias');
      expect(master).not.toHaveProperty('team_id');
    });

    it('logs the 5xx in a warn "request failed" line; client errors only in access lines', () => {
      const failed = byName(run, 'upstream-5xx');
      expect(run.lines.filter((l) => l.msg === 'request failed')).toEqual([
        expect.objectContaining({
          level: 40,
          request_id: failed.requestId,
          status: failed.status,
          code: failed.code,
        }),
      ]);
    });

    it('gives every line written while requests ran (breaker lines too) a request id', () => {
      const breaker = run.lines.filter((l) => String(l.msg).startsWith('circuit breaker'));
      expect(breaker.length).toBeGreaterThanOrEqual(2); // opened by the 5xx, closed by the trial
      expectEveryTrafficLineHasARequestId(run);
    });

    it('writes no trace ids, even for a request that sent a traceparent', () => {
      expect(run.lines.filter((l) => 'trace_id' in l || 'span_id' in l)).toEqual([]);
      expect(run.output).not.toContain(CLIENT_TRACE_ID);
    });

    it('never writes a key or the prompt text', () => expectNoSecrets(run));
  });

  describe('with tracing on', () => {
    let receiver: OtlpReceiver;
    let run: Run;

    beforeAll(async () => {
      receiver = await startOtlpReceiver();
      const otel = { OTEL_ENABLED: 'true', OTEL_TRACES_SAMPLER: 'always_on' };
      const exporter = { OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_METRICS_EXPORTER: 'none' };
      const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
      run = await runGateway({ ...otel, ...exporter, ...endpoint }, fullTraffic);
    }, 60_000);
    afterAll(() => receiver?.close());

    it("puts the server span's trace and span id on every access line", async () => {
      const access = run.lines.filter(isAccess);
      expect(access).toHaveLength(run.sent.length);
      const spans = await receiver.waitForSpans((all) =>
        access.every((line) => all.some((s) => s.spanId === line.span_id)),
      );
      for (const sent of run.sent) {
        const [line] = accessLinesOf(run, sent);
        expect(line?.trace_id).toMatch(/^[0-9a-f]{32}$/);
        const span = spans.find((s) => s.spanId === line?.span_id);
        const seen = { name: sent.name, kind: span?.kind, traceId: span?.traceId };
        expect(seen).toEqual({ name: sent.name, kind: 'SERVER', traceId: line?.trace_id });
        expect(span?.attributes['http.response.status_code']).toBe(sent.status);
      }
    });

    it("continues the client's trace from its traceparent", async () => {
      const [line] = accessLinesOf(run, byName(run, 'master'));
      expect(line?.trace_id).toBe(CLIENT_TRACE_ID);
      const spans = await receiver.waitForSpans((all) =>
        all.some((s) => s.spanId === line?.span_id),
      );
      expect(spans.find((s) => s.spanId === line?.span_id)?.parentSpanId).toBe(CLIENT_PARENT_ID);
      const others = run.lines.filter((l) => isAccess(l) && l.request_id !== line?.request_id);
      expect(others.filter((l) => l.trace_id === CLIENT_TRACE_ID)).toEqual([]);
    });

    it('puts the same ids on the "request failed" line as on the access line', () => {
      const failed = byName(run, 'upstream-5xx');
      const [access] = accessLinesOf(run, failed);
      const [warn] = run.lines.filter((l) => l.msg === 'request failed');
      const ids = { request_id: failed.requestId, trace_id: access?.trace_id };
      expect(warn).toMatchObject({ ...ids, span_id: access?.span_id });
    });

    it('gives every line written while requests ran a request id', () =>
      expectEveryTrafficLineHasARequestId(run));

    it('never writes a key or the prompt text', () => expectNoSecrets(run));
  });

  it('with ROUTEIQ_ACCESS_LOG=false writes no access lines, and every other line', async () => {
    const run = await runGateway({ ROUTEIQ_ACCESS_LOG: 'false' }, async (base) => {
      const master = bearer(TEST_MASTER_KEY);
      const ok = await send(base, 'master', CHAT, master, chatBody('gpt-4o-mini'));
      return { sent: [ok, await send(base, 'upstream-5xx', CHAT, master, chatBody('broken'))] };
    });
    const failed = byName(run, 'upstream-5xx');
    expect([byName(run, 'master').status, failed.status >= 500]).toEqual([200, true]);
    expect(
      run.lines.filter((l) => l.context === 'Access' || l.msg === 'request completed'),
    ).toEqual([]);
    expect(run.lines.some((l) => String(l.msg).startsWith('RouteIQ Gateway listening'))).toBe(true);
    expect(run.lines.filter((l) => l.msg === 'request failed')).toEqual([
      expect.objectContaining({ request_id: failed.requestId }),
    ]);
    expectNoSecrets(run);
  }, 60_000);
});
