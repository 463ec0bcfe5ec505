import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouterTraceWriter } from '@routeiq/persistence';
import { readLongFormat } from '@routeiq/routing';
import { DataSource } from 'typeorm';
import { runCli } from '../apps/cli/src/cli.runner';
import {
  startTestGateway,
  stubConfig,
  TEST_ADMIN_KEY,
  testStack,
  type TestGateway,
} from './support/gateway-harness';
import { call, userHeaders, type ErrorEnvelope } from './support/http';
import { OpenAiStubServer } from './support/openai-stub.server';

// Outcome feedback through the real gateway: traced chat requests, POST /v1/feedback by the
// requesting key, another key and an admin, then `routeiq export-traces` on the same database.

type Body = Record<string, unknown>;

const MATH = 'What is 2 + 2?';
const POEM = 'Write a haiku about routers';
// The stub's unary usage (11 prompt, 7 completion tokens) at stubConfig's prices.
const UNARY_SPEND = 11 * 0.000001 + 7 * 0.000002;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function generateKey(gw: TestGateway): Promise<string> {
  const res = await call<{ key: string }>(`${gw.url}/key/generate`, {
    method: 'POST',
    headers: { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(200);
  return res.body.key;
}

/** A chat request; its gateway request id. */
async function chat(gw: TestGateway, key: string, text: string, stream = false): Promise<string> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: userHeaders(key),
    body: JSON.stringify({
      model: 'gpt-4o-mini',
      stream,
      messages: [{ role: 'user', content: text }],
    }),
  });
  await res.text();
  expect(res.status).toBe(200);
  return res.headers.get('x-request-id')!;
}

function feedback(gw: TestGateway, headers: Record<string, string>, body: Body) {
  return call<Body & ErrorEnvelope>(`${gw.url}/v1/feedback`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
}

const adminHeaders = { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' };

/** `routeiq export-traces` against the gateway's own database. */
async function exportTraces(gw: TestGateway, out: string): Promise<string[]> {
  const lines: string[] = [];
  const env =
    testStack() === 'postgres'
      ? { DATABASE_URL: gw.database!.url }
      : { ROUTEIQ_DATA_DIR: gw.dataDir };
  const io = { out: (line: string) => lines.push(line), err: () => undefined };
  expect(await runCli(['export-traces', '--out', out], io, env)).toBe(0);
  return lines;
}

describe('Outcome feedback and training data from the gateway traffic', () => {
  const stub = new OpenAiStubServer();
  let apiBase: string;
  let dir: string;

  beforeAll(async () => {
    apiBase = await stub.start();
    dir = mkdtempSync(join(tmpdir(), 'routeiq-feedback-'));
  });
  afterAll(async () => {
    await stub.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('with prompts traced', () => {
    let gw: TestGateway;
    let owner: string;
    let other: string;

    beforeAll(async () => {
      gw = await startTestGateway({
        yaml: stubConfig(apiBase),
        env: { LLMROUTER_TRACE_ROUTING: 'true', LLMROUTER_TRACE_PROMPTS: 'true' },
      });
      owner = await generateKey(gw);
      other = await generateKey(gw);
    });
    afterAll(() => gw?.close());

    it('lets the requesting key rate its answers, hides them from other keys, and exports them', async () => {
      const math = await chat(gw, owner, MATH);
      const poem = await chat(gw, owner, POEM, true);
      const theirs = await chat(gw, other, MATH);

      const rated = await feedback(gw, userHeaders(owner), {
        request_id: math,
        score: 0.25,
        comment: 'off by one',
      });
      expect(rated.status).toBe(200);
      expect(rated.body).toMatchObject({
        object: 'feedback',
        request_id: math,
        score: 0.25,
        comment: 'off by one',
      });

      const foreign = await feedback(gw, userHeaders(other), { request_id: math, score: 1 });
      const unknown = await feedback(gw, userHeaders(owner), { request_id: 'req-nope', score: 1 });
      for (const res of [foreign, unknown]) {
        expect(res.status).toBe(404);
        expect(res.body.error).toMatchObject({ code: 'request_not_found', param: 'request_id' });
      }
      expect(foreign.body.error.message).toBe(unknown.body.error.message);

      const bad = await feedback(gw, userHeaders(owner), { request_id: math, score: 1.5 });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'invalid_feedback',
        param: 'score',
      });
      expect(typeof bad.body.request_id).toBe('string');

      // A later rating replaces the earlier one; booleans are 1 and 0; admins rate any request.
      expect(
        (await feedback(gw, userHeaders(owner), { request_id: math, score: true })).status,
      ).toBe(200);
      expect(
        (await feedback(gw, userHeaders(owner), { request_id: poem, score: false })).status,
      ).toBe(200);
      expect((await feedback(gw, adminHeaders, { request_id: theirs, score: 0.5 })).status).toBe(
        200,
      );

      const out = join(dir, 'traces.jsonl');
      const summary = await exportTraces(gw, out);
      expect(summary[0]).toBe(
        `exported 3 rated answers (2 prompts x 1 candidates) as 3 long lines to ${out}`,
      );
      const rows = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Body);
      expect(rows.map((row) => [row.request_id, row.query, row.performance])).toEqual([
        [math, MATH, 1],
        [poem, POEM, 0],
        [theirs, MATH, 0.5],
      ]);
      expect(rows[0]).toMatchObject({
        model_name: 'stub-1',
        prompt_tokens: 11,
        completion_tokens: 7,
      });
      expect(rows[0]!.cost).toBeCloseTo(UNARY_SPEND, 12);

      const { matrix } = readLongFormat(readFileSync(out, 'utf8'));
      expect(matrix.candidates).toEqual(['stub-1']);
      expect(matrix.queries).toEqual([MATH, POEM]);
      expect([...matrix.scores]).toEqual([0.75, 0]);
    });
  });

  describe('without prompt text', () => {
    let gw: TestGateway;

    beforeAll(async () => {
      gw = await startTestGateway({
        yaml: stubConfig(apiBase),
        env: { LLMROUTER_TRACE_ROUTING: 'true', LLMROUTER_TRACE_PROMPTS: 'false' },
      });
    });
    afterAll(() => gw?.close());

    it('stores only the hash of the prompt, still accepts ratings, and exports nothing', async () => {
      const key = await generateKey(gw);
      const id = await chat(gw, key, MATH);
      expect((await feedback(gw, userHeaders(key), { request_id: id, score: 1 })).status).toBe(200);

      await gw.gateway.app.get(RouterTraceWriter).flush();
      const dataSource = gw.gateway.app.get(DataSource);
      const mark = testStack() === 'postgres' ? '$1' : '?';
      const rows: Array<{ prompt: string | null; prompt_sha256: string | null; key_id: string }> =
        await dataSource.query(
          `SELECT prompt, prompt_sha256, key_id FROM router_traces WHERE request_id = ${mark}`,
          [id],
        );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.prompt).toBeNull();
      expect(rows[0]!.prompt_sha256).toBe(sha256(MATH));

      const out = join(dir, 'hashed.jsonl');
      const summary = await exportTraces(gw, out);
      expect(summary).toEqual([
        `exported 0 rated answers (0 prompts x 0 candidates) as 0 long lines to ${out}`,
        'skipped 1 rated traces without prompt text (traced while LLMROUTER_TRACE_PROMPTS was off)',
        'nothing to train on: the file is empty',
      ]);
      expect(readFileSync(out, 'utf8')).toBe('');
    });
  });

  describe('with tracing off', () => {
    let gw: TestGateway;

    beforeAll(async () => {
      gw = await startTestGateway({
        yaml: stubConfig(apiBase),
        env: { LLMROUTER_TRACE_ROUTING: undefined, LLMROUTER_TRACE_PROMPTS: 'true' },
      });
    });
    afterAll(() => gw?.close());

    it('captures nothing, so there is nothing to rate', async () => {
      const id = await chat(gw, await generateKey(gw), MATH);
      await gw.gateway.app.get(RouterTraceWriter).flush();
      expect(gw.gateway.app.get(RouterTraceWriter).stats.written).toBe(0);
      const res = await feedback(gw, adminHeaders, { request_id: id, score: 1 });
      expect(res.status).toBe(404);
      const count: Array<{ n: number | string }> = await gw.gateway.app
        .get(DataSource)
        .query('SELECT COUNT(*) AS n FROM router_traces');
      expect(Number(count[0]!.n)).toBe(0);
    });
  });
});
