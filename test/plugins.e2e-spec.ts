import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import OpenAI from 'openai';
import {
  startTestGateway,
  stubConfig,
  TEST_ADMIN_KEY,
  TEST_MASTER_KEY,
  type TestGateway,
} from './support/gateway-harness';
import { call, userHeaders, type ErrorEnvelope } from './support/http';
import { OpenAiStubServer, STUB_TEXT } from './support/openai-stub.server';

const CHAT = '/v1/chat/completions';

/**
 * External plugins as an operator ships them: CommonJS files named in LLMROUTER_PLUGINS. Each
 * keys its behaviour on the request's `user` (or message text), so they share one gateway.
 */
const PLUGIN_FILES: Record<string, string> = {
  'shortcut.js': `module.exports = {
  name: 'shortcut', version: '1.2.3', capabilities: ['short_circuit'], priority: 10,
  onRequest(ctx) {
    if (ctx.request.user !== 'shortcut') return undefined;
    return {
      status: 200,
      headers: { 'x-plugin': 'shortcut' },
      body: {
        id: 'chatcmpl-plugin', object: 'chat.completion', created: 1, model: ctx.request.model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'answered by a plugin' },
          finish_reason: 'stop', logprobs: null }],
      },
    };
  },
};`,
  'guard.js': `exports.default = {
  name: 'guard', capabilities: ['guardrail'], priority: 20,
  onRequest(ctx) {
    if (!JSON.stringify(ctx.request).includes('FORBIDDEN')) return undefined;
    throw Object.assign(new Error('the word FORBIDDEN is not allowed'),
      { status: 400, code: 'guardrail_blocked' });
  },
};`,
  'rewriter.js': `module.exports = class Rewriter {
  constructor() {
    this.name = 'rewriter'; this.capabilities = ['modify_request']; this.dependsOn = ['guard'];
  }
  onLlmPreCall(ctx) {
    for (const message of ctx.request.messages || []) {
      if (message.content === 'please rewrite me') message.content = 'rewritten by a plugin';
    }
    if (ctx.request.user === 'rewrite') ctx.request.temperature = 0.25;
    ctx.responseHeaders['x-plugin-rewriter'] = 'seen';
  }
};`,
  'editor.js': `exports.plugin = {
  name: 'editor', capabilities: ['modify_response'],
  async onLlmSuccess(ctx, success) {
    if (ctx.request.user !== 'edit' || !success.result) return;
    success.result.choices[0].message.content += ' [edited]';
  },
  onStreamChunk(ctx, chunk) {
    if (ctx.request.user !== 'stream-edit') return undefined;
    const choice = chunk.choices && chunk.choices[0];
    if (!choice) return undefined;
    const text = choice.delta && choice.delta.content;
    if (typeof text === 'string' && text !== '') {
      ctx.state.set('editor', (ctx.state.get('editor') || '') + text.toUpperCase());
      return [];
    }
    if (!choice.finish_reason) return undefined;
    const held = ctx.state.get('editor') || '';
    ctx.state.delete('editor');
    return [{ ...chunk, choices: [{ index: 0, delta: { content: held }, finish_reason: null }] }, chunk];
  },
  onStreamEnd(ctx) { return undefined; },
};`,
  'watcher.js': `module.exports = {
  name: 'watcher', capabilities: ['observe'],
  onLlmFailure(ctx, error) { ctx.responseHeaders['x-watcher-failure'] = error.code; },
  onConfigReload(config) { if (!config.modelList) throw new Error('no model list'); },
};`,
  'crash-continue.js': `module.exports = {
  name: 'crash-continue', capabilities: ['observe'], failureMode: 'continue',
  onRequest(ctx) { if (ctx.request.user === 'crash') throw new Error('continue crash'); },
};`,
  'crash-abort.js': `module.exports = {
  name: 'crash-abort', capabilities: ['observe'], failureMode: 'abort',
  onRequest(ctx) { if (ctx.request.user === 'crash-abort') throw new Error('abort crash'); },
};`,
  'crash-quarantine.js': `module.exports = {
  name: 'crash-quarantine', capabilities: ['observe'], failureMode: 'quarantine',
  onRequest(ctx) { if (ctx.request.user === 'crash-quarantine') throw new Error('quarantine crash'); },
};`,
};

interface PluginRow {
  name: string;
  version: string | null;
  source: string;
  capabilities: string[];
  priority: number;
  status: string;
  hooks: Record<string, { calls: number; errors: number }>;
  last_error: string | null;
}

function writePlugins(): { dir: string; paths: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-plugins-e2e-'));
  const paths = Object.entries(PLUGIN_FILES).map(([file, source]) => {
    writeFileSync(join(dir, file), source);
    return join(dir, file);
  });
  return { dir, paths };
}

/** The `data:` payloads of an SSE body, `[DONE]` included. */
function ssePayloads(body: string): string[] {
  return body
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}

describe('Plugins on the request path (external modules from LLMROUTER_PLUGINS)', () => {
  const stub = new OpenAiStubServer();
  let plugins: { dir: string; paths: string[] };
  let gw: TestGateway;
  let client: OpenAI;

  const chat = (body: Record<string, unknown>, headers = userHeaders()) =>
    call(`${gw.url}${CHAT}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const hi = [{ role: 'user', content: 'Hi' }];
  const pluginRows = async (): Promise<PluginRow[]> => {
    const res = await call<{ plugins: PluginRow[] }>(`${gw.url}/admin/plugins`, {
      headers: { 'x-admin-api-key': TEST_ADMIN_KEY },
    });
    expect(res.status).toBe(200);
    return res.body.plugins;
  };
  const row = async (name: string): Promise<PluginRow> =>
    (await pluginRows()).find((plugin) => plugin.name === name)!;

  beforeAll(async () => {
    const apiBase = await stub.start();
    plugins = writePlugins();
    // One entry relative to the working directory, the rest absolute; the watcher is allowed by
    // its name, the others by path.
    const entries = plugins.paths.map((path, i) =>
      i === 0 ? `./${relative(process.cwd(), path)}` : path,
    );
    const allow = entries.filter((entry) => !entry.endsWith('watcher.js'));
    gw = await startTestGateway({
      yaml: stubConfig(apiBase),
      env: {
        LLMROUTER_PLUGINS: entries.join(','),
        LLMROUTER_PLUGINS_ALLOWLIST: [...allow, 'watcher'].join(','),
      },
    });
    client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await stub.stop();
    rmSync(plugins.dir, { recursive: true, force: true });
  });

  it('answers from onRequest (short_circuit) without calling the upstream', async () => {
    const before = stub.count(CHAT);
    const { data, response } = await client.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi' }],
        user: 'shortcut',
      })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('answered by a plugin');
    expect(response.headers.get('x-plugin')).toBe('shortcut');
    expect(stub.count(CHAT)).toBe(before);
  });

  it('refuses a request a guardrail plugin blocks, with its status and code', async () => {
    const before = stub.count(CHAT);
    const res = await chat({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'FORBIDDEN' }],
    });
    expect(res.status).toBe(400);
    expect((res.body as unknown as ErrorEnvelope).error).toMatchObject({
      code: 'guardrail_blocked',
      message: 'the word FORBIDDEN is not allowed',
      type: 'invalid_request_error',
    });
    expect(stub.count(CHAT)).toBe(before);
  });

  it('sends the request as onLlmPreCall changed it, and the headers plugins added', async () => {
    const { response } = await client.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'please rewrite me' }],
        user: 'rewrite',
      })
      .withResponse();
    const upstream = stub.last();
    expect(upstream.body.messages).toEqual([{ role: 'user', content: 'rewritten by a plugin' }]);
    expect(upstream.body.temperature).toBe(0.25);
    expect(response.headers.get('x-plugin-rewriter')).toBe('seen');
  });

  it('changes the /v1/messages body in its own shape before it is translated', async () => {
    const res = await call(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: userHeaders(),
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        max_tokens: 50,
        messages: [{ role: 'user', content: 'please rewrite me' }],
      }),
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('message');
    expect(stub.last().body.messages).toEqual([{ role: 'user', content: 'rewritten by a plugin' }]);
  });

  it('writes the result as onLlmSuccess changed it (in place), with the cost header', async () => {
    const res = await chat({ model: 'gpt-4o-mini', messages: hi, user: 'edit' });
    expect(res.status).toBe(200);
    const choices = res.body.choices as Array<{ message: { content: string } }>;
    expect(choices[0]!.message.content).toBe(`${STUB_TEXT} #0 [edited]`);
    // 11 prompt tokens at $0.000001 and 7 completion tokens at $0.000002.
    expect(res.headers.get('x-routeiq-response-cost')).toBe('0.000025');
  });

  it('transforms and holds back streamed chunks (onStreamChunk) in a real SSE stream', async () => {
    const res = await fetch(`${gw.url}${CHAT}`, {
      method: 'POST',
      headers: userHeaders(),
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        messages: hi,
        stream: true,
        user: 'stream-edit',
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-plugin-rewriter')).toBe('seen');
    expect(res.headers.get('x-routeiq-response-cost')).toBeNull();
    const payloads = ssePayloads(await res.text());
    expect(payloads[payloads.length - 1]).toBe('[DONE]');
    const chunks = payloads.slice(0, -1).map((p) => JSON.parse(p) as Record<string, unknown>);
    const parts = chunks.map((chunk) => {
      const choice = (
        chunk.choices as Array<{ delta: { content?: string }; finish_reason: string | null }>
      )[0]!;
      return [choice.delta.content, choice.finish_reason];
    });
    expect(parts).toEqual([
      ['', null],
      [STUB_TEXT.toUpperCase(), null],
      [undefined, 'stop'],
    ]);
    // The client did not ask for usage: neither the usage chunk nor `usage: null` reaches it.
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
  });

  it('streams unchanged for requests the plugins leave alone (openai SDK)', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(STUB_TEXT);
  });

  it('calls onLlmFailure when the upstream fails, and its headers reach the error', async () => {
    stub.script(CHAT, { kind: 'json', status: 500, body: { error: { message: 'upstream down' } } });
    const res = await chat({ model: 'gpt-4o-mini', messages: hi });
    expect(res.status).toBeGreaterThanOrEqual(500);
    const code = (res.body as unknown as ErrorEnvelope).error.code;
    expect(res.headers.get('x-watcher-failure')).toBe(code);
    expect((await row('watcher')).hooks.onLlmFailure!.calls).toBeGreaterThanOrEqual(1);
  });

  it('calls onConfigReload after POST /config/reload', async () => {
    const before = (await row('watcher')).hooks.onConfigReload!;
    const res = await call(`${gw.url}/config/reload`, {
      method: 'POST',
      headers: { 'x-admin-api-key': TEST_ADMIN_KEY },
    });
    expect(res.status).toBe(200);
    expect((await row('watcher')).hooks.onConfigReload).toEqual({
      calls: before.calls + 1,
      errors: before.errors,
    });
  });

  describe('failure modes', () => {
    it('continue: the request is answered and the error counted', async () => {
      const res = await chat({ model: 'gpt-4o-mini', messages: hi, user: 'crash' });
      expect(res.status).toBe(200);
      const plugin = await row('crash-continue');
      expect(plugin.status).toBe('active');
      expect(plugin.hooks.onRequest!.errors).toBe(1);
      expect(plugin.last_error).toBe('onRequest: continue crash');
    });

    it('abort: the request fails with a 500 plugin_error in the OpenAI shape', async () => {
      const before = stub.count(CHAT);
      const res = await chat({ model: 'gpt-4o-mini', messages: hi, user: 'crash-abort' });
      expect(res.status).toBe(500);
      const body = res.body as unknown as ErrorEnvelope;
      expect(body.error).toMatchObject({ code: 'plugin_error', type: 'server_error' });
      expect(body.error.message).toContain('crash-abort');
      expect(body.request_id).toBe(res.headers.get('x-request-id'));
      expect(stub.count(CHAT)).toBe(before);
      expect((await row('crash-abort')).status).toBe('active');
    });

    it('quarantine: the request is answered, and the plugin is never called again', async () => {
      const first = await chat({ model: 'gpt-4o-mini', messages: hi, user: 'crash-quarantine' });
      expect(first.status).toBe(200);
      const quarantined = await row('crash-quarantine');
      expect(quarantined.status).toBe('quarantined');
      const again = await chat({ model: 'gpt-4o-mini', messages: hi, user: 'crash-quarantine' });
      expect(again.status).toBe(200);
      expect((await row('crash-quarantine')).hooks.onRequest).toEqual(quarantined.hooks.onRequest);
    });
  });

  describe('GET /admin/plugins', () => {
    it('lists every plugin in pipeline order with its capabilities, status and hooks', async () => {
      const rows = await pluginRows();
      expect(rows.map((plugin) => plugin.name)).toEqual([
        'shortcut',
        'guard',
        'rewriter',
        'editor',
        'watcher',
        'crash-continue',
        'crash-abort',
        'crash-quarantine',
      ]);
      expect(rows[0]).toMatchObject({
        version: '1.2.3',
        source: 'external',
        capabilities: ['short_circuit'],
        priority: 10,
        status: 'active',
      });
      expect(Object.keys(rows.find((p) => p.name === 'editor')!.hooks).sort()).toEqual([
        'onLlmSuccess',
        'onStreamChunk',
        'onStreamEnd',
      ]);
    });

    it('is for admins only', async () => {
      const res = await call(`${gw.url}/admin/plugins`, { headers: userHeaders() });
      expect([401, 403]).toContain(res.status);
    });
  });
});

describe('Plugins and the response cache', () => {
  const stub = new OpenAiStubServer();
  let plugins: { dir: string; paths: string[] };
  let gw: TestGateway;

  const post = (body: Record<string, unknown>) =>
    fetch(`${gw.url}${CHAT}`, {
      method: 'POST',
      headers: userHeaders(),
      body: JSON.stringify({ model: 'gpt-4o-mini', temperature: 0, ...body }),
    });
  const editorCalls = async (): Promise<number> => {
    const res = await call<{ plugins: PluginRow[] }>(`${gw.url}/admin/plugins`, {
      headers: { 'x-admin-api-key': TEST_ADMIN_KEY },
    });
    return res.body.plugins.find((p) => p.name === 'editor')!.hooks.onLlmSuccess!.calls;
  };

  beforeAll(async () => {
    const apiBase = await stub.start();
    plugins = writePlugins();
    const list = plugins.paths.join(',');
    gw = await startTestGateway({
      yaml: stubConfig(apiBase),
      env: { LLMROUTER_PLUGINS: list, LLMROUTER_PLUGINS_ALLOWLIST: list, CACHE_ENABLED: 'true' },
    });
  });

  afterAll(async () => {
    await gw?.close();
    await stub.stop();
    rmSync(plugins.dir, { recursive: true, force: true });
  });

  it('keys on the request as onLlmPreCall left it and stores the answer after onLlmSuccess', async () => {
    const before = stub.count(CHAT);
    const miss = await post({
      messages: [{ role: 'user', content: 'please rewrite me' }],
      user: 'edit',
    });
    expect(miss.headers.get('x-routeiq-cache')).toBe('MISS');
    expect(miss.headers.get('x-routeiq-response-cost')).toBe('0.000025');
    const answer = (await miss.json()) as { choices: Array<{ message: { content: string } }> };
    expect(answer.choices[0]!.message.content).toBe(`${STUB_TEXT} #0 [edited]`);
    const successCalls = await editorCalls();

    // Another wording that the rewriter turns into the same upstream request.
    const hit = await post({
      messages: [{ role: 'user', content: 'rewritten by a plugin' }],
      user: 'edit',
    });
    expect(hit.headers.get('x-routeiq-cache')).toBe('HIT');
    expect(hit.headers.get('x-routeiq-cache-tier')).toBe('memory');
    expect(hit.headers.get('x-routeiq-cache-age')).toMatch(/^\d+$/);
    expect(hit.headers.get('x-routeiq-response-cost')).toBe('0');
    expect(hit.headers.get('x-plugin-rewriter')).toBe('seen');
    expect(await hit.json()).toEqual(answer);
    expect(stub.count(CHAT)).toBe(before + 1);
    // No provider call, so no LLM hook either.
    expect(await editorCalls()).toBe(successCalls);
  });

  it('replays a stream as the plugins wrote it, [DONE] last, without calling the upstream', async () => {
    const body = {
      messages: [{ role: 'user', content: 'Stream it' }],
      stream: true,
      user: 'stream-edit',
    };
    const miss = await post(body);
    expect(miss.headers.get('x-routeiq-cache')).toBe('MISS');
    const written = ssePayloads(await miss.text());
    expect(written[written.length - 1]).toBe('[DONE]');
    const before = stub.count(CHAT);
    // The entry is written off the request path: wait for it to land.
    let replayed: string[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      const again = await post(body);
      replayed = ssePayloads(await again.text());
      if (again.headers.get('x-routeiq-cache') === 'HIT') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(replayed).toEqual(written);
    expect(replayed.join('')).toContain(STUB_TEXT.toUpperCase());
    expect(stub.count(CHAT)).toBe(before);
  });

  it('does not answer a refused request from the cache', async () => {
    const res = await call(`${gw.url}${CHAT}`, {
      method: 'POST',
      headers: userHeaders(),
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        temperature: 0,
        messages: [{ role: 'user', content: 'FORBIDDEN' }],
      }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-routeiq-cache')).toBeNull();
  });
});
