import { writeFileSync } from 'node:fs';
import { directRoutesOf } from '../apps/gateway/src/direct-route.dispatcher';
import { call, userHeaders, type ErrorEnvelope } from './support/http';
import {
  freePort,
  startTestGateway,
  TEST_ADMIN_KEY,
  type TestGateway,
} from './support/gateway-harness';

const YAML = [
  'model_list:',
  '  - model_name: demo',
  '    litellm_params:',
  '      model: mock/demo',
  'general_settings:',
  '  max_request_size_mb: 0.01',
  '',
].join('\n');

describe('HTTP contract: bad input, errors, request ids, config reload, health', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ yaml: YAML });
  });
  afterAll(() => gw?.close());

  const chat = (body: string, headers: Record<string, string> = userHeaders()) =>
    call<ErrorEnvelope>(`${gw.url}/v1/chat/completions`, { method: 'POST', headers, body });

  it.each([
    ['malformed JSON', '{"model": "demo",', 400, 'invalid_json', null],
    ['an empty body', '', 400, 'invalid_json', null],
    ['a JSON array', '[1,2]', 400, 'invalid_request', ''],
    [
      'a missing model',
      '{"messages":[{"role":"user","content":"x"}]}',
      400,
      'invalid_request',
      'model',
    ],
    [
      'a model of the wrong type',
      '{"model":5,"messages":[{"role":"user","content":"x"}]}',
      400,
      'invalid_request',
      'model',
    ],
    [
      'messages of the wrong type',
      '{"model":"demo","messages":"hi"}',
      400,
      'invalid_request',
      'messages',
    ],
    [
      'a message without role',
      '{"model":"demo","messages":[{"content":"x"}]}',
      400,
      'invalid_request',
      'messages[0].role',
    ],
    [
      'stream of the wrong type',
      '{"model":"demo","messages":[{"role":"user","content":"x"}],"stream":"yes"}',
      400,
      'invalid_request',
      'stream',
    ],
    [
      'stream_options without stream',
      '{"model":"demo","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}}',
      400,
      'invalid_request',
      'stream_options',
    ],
    [
      'n out of range',
      '{"model":"demo","messages":[{"role":"user","content":"x"}],"n":0}',
      400,
      'invalid_request',
      'n',
    ],
    [
      'an unknown model',
      '{"model":"nope","messages":[{"role":"user","content":"x"}]}',
      404,
      'model_not_found',
      'model',
    ],
  ])('answers %s with a clear %i', async (_name, body, status, code, param) => {
    const res = await chat(body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    if (param !== null) expect(res.body.error.param).toBe(param);
    expect(res.body.error.message).toEqual(expect.any(String));
    expect(res.body.request_id).toBe(res.headers.get('x-request-id'));
  });

  it('rejects a non-JSON content type with 415', async () => {
    const res = await chat('model=demo', {
      ...userHeaders(),
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('rejects a body over the configured limit with 413, declared or streamed', async () => {
    const big = JSON.stringify({
      model: 'demo',
      messages: [{ role: 'user', content: 'x'.repeat(20_000) }],
    });
    const res = await chat(big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('request_too_large');
  });

  it('checks embeddings and completions bodies too', async () => {
    const emb = await call<ErrorEnvelope>(`${gw.url}/v1/embeddings`, {
      method: 'POST',
      headers: userHeaders(),
      body: '{"model":"demo","input":""}',
    });
    expect(emb.status).toBe(400);
    expect(emb.body.error.param).toBe('input');
    const cmp = await call<ErrorEnvelope>(`${gw.url}/v1/completions`, {
      method: 'POST',
      headers: userHeaders(),
      body: '{"model":"demo","prompt":{}}',
    });
    expect(cmp.status).toBe(400);
    expect(cmp.body.error.param).toBe('prompt');
  });

  it('serves the inference routes ahead of Express, the rest through it', async () => {
    expect(directRoutesOf(gw.gateway.app).sort()).toEqual([
      'POST /chat/completions',
      'POST /completions',
      'POST /embeddings',
      'POST /v1/chat/completions',
      'POST /v1/completions',
      'POST /v1/embeddings',
      'POST /v1/messages',
      'POST /v1/responses',
    ]);
    // The same handler through Express (a trailing slash is not an exact match) answers alike.
    const direct = await chat('{"model":"nope","messages":[{"role":"user","content":"x"}]}');
    const routed = await call<ErrorEnvelope>(`${gw.url}/v1/chat/completions/`, {
      method: 'POST',
      headers: userHeaders(),
      body: '{"model":"nope","messages":[{"role":"user","content":"x"}]}',
    });
    expect([direct.status, direct.body.error.code]).toEqual([
      routed.status,
      routed.body.error.code,
    ]);
    expect(direct.status).toBe(404);
  });

  it('answers unknown routes with a 404 in the same shape', async () => {
    const res = await call<ErrorEnvelope>(`${gw.url}/v1/nope`, { headers: userHeaders() });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('route_not_found');
  });

  it('keeps idle connections open longer than a load balancer does (65 s)', async () => {
    const res = await call(`${gw.url}/_health/live`);
    expect(res.headers.get('keep-alive')).toBe('timeout=65');
  });

  it('keeps a sane incoming X-Request-ID and replaces an unsafe one', async () => {
    const kept = await call(`${gw.url}/_health/live`, {
      headers: { 'x-request-id': 'trace-abc.123:x' },
    });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc.123:x');
    const replaced = await call(`${gw.url}/_health/live`, {
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reloads a valid config atomically and refuses an invalid one, keeping the old', async () => {
    const admin = { 'x-admin-api-key': TEST_ADMIN_KEY };
    writeFileSync(gw.configPath, `${YAML}  # reload\n`.replace('demo', 'demo2'));
    const ok = await call<{ status: string; generation: number; models: number }>(
      `${gw.url}/config/reload`,
      {
        method: 'POST',
        headers: admin,
      },
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'reloaded', models: 1 });
    const models = await call<{ data: Array<{ id: string }> }>(`${gw.url}/v1/models`, {
      headers: userHeaders(),
    });
    expect(models.body.data.map((m) => m.id)).toEqual(['demo2']);

    writeFileSync(
      gw.configPath,
      'model_list:\n  - model_name: x\n    litellm_params:\n      model: foo/bar\n      api_key: os.environ/ROUTEIQ_UNSET_TEST_VAR\n',
    );
    const bad = await call<ErrorEnvelope>(`${gw.url}/config/reload`, {
      method: 'POST',
      headers: admin,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_config');
    expect(bad.body.error.message).toContain('model_list[0].litellm_params.api_key');
    expect(bad.body.error.message).toContain('ROUTEIQ_UNSET_TEST_VAR');
    const still = await call<{ data: Array<{ id: string }> }>(`${gw.url}/v1/models`, {
      headers: userHeaders(),
    });
    expect(still.body.data.map((m) => m.id)).toEqual(['demo2']);

    writeFileSync(
      gw.configPath,
      'model_list:\n  - model_name: x\n    litellm_params:\n      model: foo/bar\n',
    );
    const unknownProvider = await call<ErrorEnvelope>(`${gw.url}/config/reload`, {
      method: 'POST',
      headers: admin,
    });
    expect(unknownProvider.status).toBe(400);
    expect(unknownProvider.body.error.message).toContain(
      'model_list[0].litellm_params.model: unknown provider "foo"',
    );
  });

  it('reports readiness with each check and liveness without dependencies', async () => {
    const live = await call(`${gw.url}/_health/live`);
    expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await call<{
      status: string;
      info: Record<string, { status: string; state?: string }>;
    }>(`${gw.url}/_health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
    expect(Object.keys(ready.body.info).sort()).toEqual([
      'database',
      'drain',
      'redis',
      'router',
      'warm_up',
    ]);
    expect(ready.body.info.warm_up).toMatchObject({ status: 'up' });
    // No breaker is open: the router is not degraded.
    expect(ready.body.info.router).toEqual({ status: 'up', state: 'ok' });
  });
});

describe('Readiness when Redis is configured but unreachable', () => {
  it('answers 503 naming the redis check, without the URL or password', async () => {
    const port = await freePort();
    const gw = await startTestGateway({
      yaml: YAML,
      env: {
        REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${port}`,
        REDIS_KEY_PREFIX: 'routeiq-dead:',
      },
    });
    try {
      const ready = await call<{ status: string; error: Record<string, { status: string }> }>(
        `${gw.url}/_health/ready`,
      );
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('error');
      expect(ready.body.error.redis!.status).toBe('down');
      expect(JSON.stringify(ready.body)).not.toContain('hunter2-secret');
      expect(JSON.stringify(ready.body)).not.toContain(String(port));
      expect((await call(`${gw.url}/_health/live`)).status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});
