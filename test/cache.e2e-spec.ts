import { randomBytes } from 'node:crypto';
import {
  startTestGateway,
  stubConfig,
  TEST_ADMIN_KEY,
  type TestGateway,
} from './support/gateway-harness';
import { call, userHeaders, type ErrorEnvelope } from './support/http';
import { OpenAiStubServer, STUB_TEXT } from './support/openai-stub.server';

// The response cache through the real gateway: a hit never reaches the stub upstream (counted
// there), answers carry x-routeiq-cache headers, tenants never share entries, streams replay
// from unary entries and the other way round, and the admin routes see and flush it all. The
// semantic tier: cache-semantic.e2e-spec.ts; several replicas: cache-replicas.e2e-spec.ts.
const CHAT = '/v1/chat/completions';
const UPSTREAM_CHAT = '/v1/chat/completions';

type Body = Record<string, unknown>;
interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Body;
  readonly text: string;
}

const CACHE_ENV = {
  CACHE_ENABLED: 'true',
  CACHE_SEMANTIC_ENABLED: 'true',
  CACHE_SEMANTIC_THRESHOLD: '0.85',
};

/** A group of two deployments on the stub where only the second is ever routed to. */
function pairedGroup(apiBase: string): string {
  return ['pair-1', 'pair-2']
    .flatMap((id, index) => [
      '  - model_name: cache-pair',
      '    litellm_params:',
      '      model: openai/gpt-4o-mini',
      `      api_base: ${apiBase}`,
      '      api_key: sk-upstream-secret-key',
      `      weight: ${index}`,
      '    model_info:',
      `      id: ${id}`,
    ])
    .join('\n');
}

/** Frames of an SSE body: the parsed `data:` payloads, `[DONE]` as the string. */
function sseFrames(text: string): Array<Body | string> {
  return text
    .split('\n\n')
    .map((frame) => frame.trim())
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => frame.slice('data: '.length))
    .map((data) => (data === '[DONE]' ? data : (JSON.parse(data) as Body)));
}

/** The assistant text a stream's chunks carry. */
function streamedText(frames: Array<Body | string>): string {
  return frames
    .filter((frame): frame is Body => typeof frame === 'object')
    .flatMap((frame) => (frame.choices as Array<{ delta?: { content?: string } }>) ?? [])
    .map((choice) => choice.delta?.content ?? '')
    .join('');
}

describe('Response cache through the gateway', () => {
  const stub = new OpenAiStubServer();
  let gw: TestGateway;
  let teamKeyA: string;
  let teamKeyB: string;
  let teamA: string;

  const admin = (path: string, body?: Body, key = TEST_ADMIN_KEY) =>
    call<Body & ErrorEnvelope>(`${gw.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-admin-api-key': key, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const post = async (
    path: string,
    body: Body,
    key = teamKeyA,
    headers: Record<string, string> = {},
    url = gw.url,
  ): Promise<Answer> => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { ...userHeaders(key), ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Body = {};
    try {
      parsed = JSON.parse(text) as Body;
    } catch {
      // an SSE body
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  /** A prompt no other test sends. */
  const unique = (text: string): string => `${text} [${randomBytes(4).toString('hex')}]`;
  const chat = (content: string, extra: Body = {}) => ({
    model: 'gpt-4o-mini',
    temperature: 0,
    messages: [{ role: 'user', content }],
    ...extra,
  });
  const upstreamCalls = (): number => stub.count(UPSTREAM_CHAT);
  const cacheHeaders = (answer: Answer) => ({
    cache: answer.headers.get('x-routeiq-cache'),
    tier: answer.headers.get('x-routeiq-cache-tier'),
    age: answer.headers.get('x-routeiq-cache-age'),
  });

  beforeAll(async () => {
    const base = await stub.start();
    gw = await startTestGateway({ yaml: stubConfig(base, pairedGroup(base)), env: CACHE_ENV });
    const teamKey = async (alias: string) => {
      const team = await admin('/team/new', { team_alias: alias });
      expect(team.status).toBe(200);
      const key = await admin('/key/generate', { team_id: team.body.team_id });
      expect(key.status).toBe(200);
      return { teamId: team.body.team_id as string, key: key.body.key as string };
    };
    const [a, b] = [await teamKey('cache team a'), await teamKey('cache team b')];
    [teamA, teamKeyA, teamKeyB] = [a.teamId, a.key, b.key];
  });

  afterAll(async () => {
    // Redis entries of this run go now rather than at their TTL.
    if (gw) await admin('/admin/cache/flush', {});
    await gw?.close();
    await stub.stop();
  });

  it('answers a repeated request from the cache without calling the upstream', async () => {
    const body = chat(unique('What is the capital of Norway?'));
    const before = upstreamCalls();
    const miss = await post(CHAT, body);
    expect(miss.status).toBe(200);
    expect(cacheHeaders(miss)).toEqual({ cache: 'MISS', tier: null, age: null });
    expect(upstreamCalls()).toBe(before + 1);

    const hit = await post(CHAT, body);
    expect(hit.status).toBe(200);
    expect(cacheHeaders(hit)).toEqual({
      cache: 'HIT',
      tier: 'memory',
      age: expect.stringMatching(/^\d+$/),
    });
    expect(hit.body).toEqual(miss.body);
    expect(upstreamCalls()).toBe(before + 1);
    // A different parameter is a different answer.
    await post(CHAT, { ...body, max_tokens: 5 });
    expect(upstreamCalls()).toBe(before + 2);
  });

  it('logs a hit against the deployment whose answer was stored', async () => {
    const body = { ...chat(unique('Which deployment answered?')), model: 'cache-pair' };
    const miss = await post(CHAT, body);
    const hit = await post(CHAT, body);
    expect([miss.status, hit.status]).toEqual([200, 200]);
    expect(cacheHeaders(hit).cache).toBe('HIT');
    const logs = await admin('/spend/logs?model=cache-pair');
    expect(logs.status).toBe(200);
    const rows = (logs.body.data as Body[]).map((row) => [row.request_id, row.deployment_id]);
    expect(rows).toEqual(
      expect.arrayContaining([
        [miss.headers.get('x-request-id'), 'pair-2'],
        [hit.headers.get('x-request-id'), 'pair-2'],
      ]),
    );
  });

  it('never serves or keeps a /v1/responses answer the gateway stores, and caches one with store: false', async () => {
    const calls = (): number => stub.count('/v1/responses') + stub.count(UPSTREAM_CHAT);
    const body = { model: 'gpt-4o-mini', temperature: 0, input: unique('Name a prime number.') };
    const before = calls();
    const first = await post('/v1/responses', body);
    const second = await post('/v1/responses', body);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(cacheHeaders(second).cache).toBeNull();
    expect(calls()).toBe(before + 2);
    // The stored answer is retrievable by its id (the stub names every answer alike).
    const fetched = await call<Body>(`${gw.url}/v1/responses/${String(second.body.id)}`, {
      headers: userHeaders(teamKeyA),
    });
    expect(fetched.status).toBe(200);

    const unstored = { ...body, store: false };
    await post('/v1/responses', unstored);
    const hit = await post('/v1/responses', unstored);
    expect(cacheHeaders(hit).cache).toBe('HIT');
    expect(calls()).toBe(before + 3);
  });

  it('never shares entries between teams', async () => {
    const body = chat(unique('Name a prime number'));
    const before = upstreamCalls();
    expect(cacheHeaders(await post(CHAT, body, teamKeyA)).cache).toBe('MISS');
    expect(cacheHeaders(await post(CHAT, body, teamKeyB)).cache).toBe('MISS');
    expect(upstreamCalls()).toBe(before + 2);
    expect(cacheHeaders(await post(CHAT, body, teamKeyB)).cache).toBe('HIT');
    expect(upstreamCalls()).toBe(before + 2);
  });

  it('does not cache requests hotter than CACHE_MAX_TEMPERATURE unless the client opts in', async () => {
    const hot = chat(unique('Write a slogan'), { temperature: 0.9 });
    const before = upstreamCalls();
    const first = await post(CHAT, hot);
    const second = await post(CHAT, hot);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(cacheHeaders(second).cache).toBeNull();
    expect(upstreamCalls()).toBe(before + 2);
    // No temperature means 1: not cached either.
    const unset = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: unique('Hi') }] };
    await post(CHAT, unset);
    expect(cacheHeaders(await post(CHAT, unset)).cache).toBeNull();
    expect(upstreamCalls()).toBe(before + 4);

    const forced = { ...hot, caching: true };
    await post(CHAT, forced);
    expect(cacheHeaders(await post(CHAT, forced)).cache).toBe('HIT');
    expect(upstreamCalls()).toBe(before + 5);
    // The gateway's own `caching` flag never reaches the provider.
    expect(stub.requests.at(-1)!.body).not.toHaveProperty('caching');
  });

  it('bypasses the lookup on Cache-Control: no-cache and stores the fresh answer', async () => {
    const body = chat(unique('Count to three'));
    await post(CHAT, body);
    const before = upstreamCalls();
    const fresh = await post(CHAT, body, teamKeyA, { 'cache-control': 'no-cache' });
    expect(cacheHeaders(fresh).cache).toBe('MISS');
    expect(upstreamCalls()).toBe(before + 1);
    expect(cacheHeaders(await post(CHAT, body)).cache).toBe('HIT');
    const noStore = chat(unique('Count to four'));
    await post(CHAT, noStore, teamKeyA, { 'cache-control': 'no-store' });
    expect(cacheHeaders(await post(CHAT, noStore)).cache).toBe('MISS');
    expect(upstreamCalls()).toBe(before + 3);
    // LiteLLM's per-request cache param works too and is not sent upstream.
    const param = chat(unique('Count to five'), { cache: { 'no-store': true } });
    await post(CHAT, param);
    expect(stub.requests.at(-1)!.body).not.toHaveProperty('cache');
    expect(cacheHeaders(await post(CHAT, param)).cache).toBeNull();
  });

  it('replays a unary entry to a stream request as SSE chunks ending in [DONE]', async () => {
    const body = chat(unique('Greet me'));
    const unary = await post(CHAT, body);
    const before = upstreamCalls();
    const stream = await post(CHAT, {
      ...body,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(cacheHeaders(stream)).toMatchObject({ cache: 'HIT', tier: 'memory' });
    const frames = sseFrames(stream.text);
    expect(frames.at(-1)).toBe('[DONE]');
    expect(frames[0]).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [{ delta: { role: 'assistant' } }],
    });
    const content = (unary.body.choices as Array<{ message: { content: string } }>)[0]!.message
      .content;
    expect(streamedText(frames)).toBe(content);
    expect(frames.at(-2)).toMatchObject({ choices: [], usage: unary.body.usage });
    expect(upstreamCalls()).toBe(before);
  });

  it('answers a unary request from a streamed entry, assembled', async () => {
    const body = chat(unique('Stream first'));
    const before = upstreamCalls();
    const stream = await post(CHAT, { ...body, stream: true });
    expect(cacheHeaders(stream).cache).toBe('MISS');
    expect(streamedText(sseFrames(stream.text))).toBe(STUB_TEXT);
    const unary = await post(CHAT, body);
    expect(cacheHeaders(unary).cache).toBe('HIT');
    expect(unary.body).toMatchObject({
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content: STUB_TEXT }, finish_reason: 'stop' },
      ],
    });
    const replay = await post(CHAT, { ...body, stream: true });
    expect(sseFrames(replay.text).at(-1)).toBe('[DONE]');
    expect(streamedText(sseFrames(replay.text))).toBe(STUB_TEXT);
    expect(upstreamCalls()).toBe(before + 1);
  });

  it('caches text completions and Anthropic messages (stream and unary kept apart there)', async () => {
    const prompt = { model: 'gpt-4o-mini', temperature: 0, prompt: unique('Complete this') };
    const before = stub.count('/v1/completions');
    const unary = await post('/v1/completions', prompt);
    expect(unary.status).toBe(200);
    const stream = await post('/v1/completions', { ...prompt, stream: true });
    expect(cacheHeaders(stream).cache).toBe('HIT');
    const frames = sseFrames(stream.text);
    expect(frames.at(-1)).toBe('[DONE]');
    const text = frames
      .filter((frame): frame is Body => typeof frame === 'object')
      .flatMap((frame) => frame.choices as Array<{ text: string }>)
      .map((choice) => choice.text)
      .join('');
    expect(text).toBe((unary.body.choices as Array<{ text: string }>)[0]!.text);
    expect(stub.count('/v1/completions')).toBe(before + 1);

    const message = {
      model: 'gpt-4o-mini',
      max_tokens: 50,
      temperature: 0,
      messages: [{ role: 'user', content: unique('Hello Claude') }],
    };
    const calls = upstreamCalls();
    const first = await post('/v1/messages', message);
    expect(first.status).toBe(200);
    const second = await post('/v1/messages', message);
    expect(cacheHeaders(second).cache).toBe('HIT');
    expect(second.body).toEqual(first.body);
    expect(second.body).toMatchObject({ type: 'message', role: 'assistant' });
    expect(upstreamCalls()).toBe(calls + 1);
    // No conversion for this surface: a stream is its own entry, replayed as Anthropic SSE.
    const streamed = await post('/v1/messages', { ...message, stream: true });
    expect(cacheHeaders(streamed).cache).toBe('MISS');
    const replayed = await post('/v1/messages', { ...message, stream: true });
    expect(cacheHeaders(replayed).cache).toBe('HIT');
    expect(replayed.text).toContain('event: message_stop');
    expect(replayed.text).toBe(streamed.text);
    expect(upstreamCalls()).toBe(calls + 2);
  });

  it('caches embeddings', async () => {
    const body = { model: 'gpt-4o-mini', input: unique('embed me') };
    const before = stub.count('/v1/embeddings');
    const first = await post('/v1/embeddings', body);
    const second = await post('/v1/embeddings', body);
    expect(first.status).toBe(200);
    expect(cacheHeaders(second).cache).toBe('HIT');
    expect(second.body).toEqual(first.body);
    expect(stub.count('/v1/embeddings')).toBe(before + 1);
  });

  it('reports stats, lists entries without content unless asked, and flushes per team', async () => {
    expect((await admin('/admin/cache/stats', undefined, 'not-an-admin-key')).status).toBe(401);
    expect(
      (await call(`${gw.url}/admin/cache/stats`, { headers: userHeaders(teamKeyA) })).status,
    ).toBe(401);

    const body = chat(unique('Listed answer'));
    await post(CHAT, body);
    await post(CHAT, body);
    const stats = await admin('/admin/cache/stats');
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      enabled: true,
      hits: { memory: expect.any(Number), semantic: expect.any(Number) },
      misses: expect.any(Number),
      tiers: { memory: { entries: expect.any(Number), bytes: expect.any(Number) } },
    });
    expect(stats.body.hit_ratio as number).toBeGreaterThan(0);

    const listed = await admin(`/admin/cache/entries?team_id=${teamA}&limit=500`);
    expect(listed.status).toBe(200);
    const rows = listed.body.data as Body[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({ scope: `team:${teamA}`, model: 'gpt-4o-mini', tier: 'memory' });
    expect(rows.every((row) => !('content' in row))).toBe(true);
    const withContent = await admin(
      `/admin/cache/entries?team_id=${teamA}&limit=1&include_content=true`,
    );
    expect((withContent.body.data as Body[])[0]).toHaveProperty('content.object');
    expect((await admin('/admin/cache/entries?limit=0')).status).toBe(400);

    const flushed = await admin('/admin/cache/flush', { team_id: teamA });
    expect(flushed.status).toBe(200);
    expect((flushed.body.flushed as Body).memory).toBeGreaterThan(0);
    expect(cacheHeaders(await post(CHAT, body)).cache).toBe('MISS');
    expect((await admin('/admin/cache/flush', { team: 'x' })).status).toBe(400);
  });
});
