import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startTestGateway,
  TEST_ADMIN_KEY,
  TEST_MASTER_KEY,
  type TestGateway,
} from './support/gateway-harness';
import { call, userHeaders, type ErrorEnvelope } from './support/http';

const YAML = [
  'model_list:',
  '  - model_name: demo',
  '    litellm_params:',
  '      model: mock/routeiq-demo',
  '  - model_name: gpt-4o',
  '    litellm_params:',
  '      model: openai/gpt-4o',
  '      api_base: http://127.0.0.1:9/v1',
  '      api_key: os.environ/UI_E2E_UPSTREAM_KEY',
  'general_settings:',
  '  master_key: os.environ/LITELLM_MASTER_KEY',
  '',
].join('\n');

const INDEX = '<!doctype html><title>RouteIQ Console</title><div id="root"></div>';
const SCRIPT = `export const big = ${JSON.stringify('x'.repeat(4096))};`;
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function builtConsole(): string {
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-ui-e2e-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-Ab12Cd.js'), SCRIPT);
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

/** A raw GET (fetch would decompress and hide the encoding). */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; bytes: number }>(
    (resolve, reject) => {
      request(url, { headers }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
      })
        .on('error', reject)
        .end();
    },
  );
}

describe('admin console at /ui', () => {
  let gw: TestGateway;
  let uiDir: string;

  beforeAll(async () => {
    uiDir = builtConsole();
    gw = await startTestGateway({
      yaml: YAML,
      env: { ROUTEIQ_UI_DIR: uiDir, UI_E2E_UPSTREAM_KEY: 'sk-upstream-e2e-secret-0001' },
    });
  });
  afterAll(async () => {
    await gw?.close();
    rmSync(uiDir, { recursive: true, force: true });
  });

  it('serves index.html at /ui, /ui/ and client routes, never cached, with a strict CSP', async () => {
    for (const path of ['/ui', '/ui/', '/ui/keys', '/ui/routing/decisions']) {
      const res = await call<string>(`${gw.url}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.body).toBe(INDEX);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('serves hashed assets for a year, gzipped when the client accepts it', async () => {
    const plain = await call<string>(`${gw.url}/ui/assets/index-Ab12Cd.js`);
    expect(plain.status).toBe(200);
    expect(plain.body).toBe(SCRIPT);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const gzipped = await rawGet(`${gw.url}/ui/assets/index-Ab12Cd.js`, {
      'accept-encoding': 'gzip',
    });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.bytes).toBeLessThan(SCRIPT.length / 4);
    const identity = await rawGet(`${gw.url}/ui/assets/index-Ab12Cd.js`, {});
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.bytes).toBe(SCRIPT.length);
    const icon = await call(`${gw.url}/ui/favicon.svg`);
    expect(icon.headers.get('cache-control')).toBe('public, max-age=3600');
  });

  it('answers unknown files and traversal attempts with 404 in the OpenAI error shape', async () => {
    for (const path of [
      '/ui/assets/missing.js',
      '/ui/..%2fpackage.json',
      '/ui/assets/..%2f..%2fpackage.json',
      '/ui/%2e%2e/%2e%2e/package.json',
    ]) {
      const res = await call<ErrorEnvelope>(`${gw.url}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.body.error.type).toBe('not_found_error');
      expect(res.body.request_id).toEqual(expect.any(String));
    }
    const missing = await call<ErrorEnvelope>(`${gw.url}/ui/assets/missing.js`);
    expect(missing.body.error.code).toBe('ui_asset_not_found');
  });

  it('needs no credential and ignores a wrong one', async () => {
    const res = await call(`${gw.url}/ui/`, { headers: { authorization: 'Bearer wrong' } });
    expect(res.status).toBe(200);
  });

  it('shows the effective config to admin keys only, every secret masked', async () => {
    const url = `${gw.url}/config/effective`;
    expect((await call(url)).status).toBe(401);
    expect((await call(url, { headers: userHeaders() })).status).toBe(401);
    const res = await call<{ generation: number; config: Record<string, unknown> }>(url, {
      headers: { 'x-admin-api-key': TEST_ADMIN_KEY },
    });
    expect(res.status).toBe(200);
    expect(res.body.generation).toBe(1);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('sk-upstream-e2e-secret-0001');
    expect(text).not.toContain(TEST_MASTER_KEY);
    expect(res.body.config).toMatchObject({
      model_list: expect.arrayContaining([
        expect.objectContaining({
          model_name: 'gpt-4o',
          litellm_params: expect.objectContaining({ api_key: '****', model: 'openai/gpt-4o' }),
        }),
      ]),
      general_settings: expect.objectContaining({ master_key: '****' }),
    });
  });
});

describe('admin console not built', () => {
  let gw: TestGateway;
  const missing = join(tmpdir(), 'routeiq-ui-e2e-missing-build');

  beforeAll(async () => {
    gw = await startTestGateway({
      yaml: YAML,
      env: { ROUTEIQ_UI_DIR: missing, UI_E2E_UPSTREAM_KEY: 'k' },
    });
  });
  afterAll(() => gw?.close());

  it('answers 404 ui_not_built with the fix, while the gateway serves as usual', async () => {
    for (const path of ['/ui', '/ui/keys', '/ui/assets/index.js']) {
      const res = await call<ErrorEnvelope>(`${gw.url}${path}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ui_not_built');
      expect(res.body.error.message).toContain('npm run build');
    }
    expect((await call(`${gw.url}/_health/live`)).status).toBe(200);
  });
});

describe('admin console turned off', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway({
      yaml: YAML,
      env: { ROUTEIQ_UI_ENABLED: 'false', UI_E2E_UPSTREAM_KEY: 'k' },
    });
  });
  afterAll(() => gw?.close());

  it('has no /ui route', async () => {
    const res = await call<ErrorEnvelope>(`${gw.url}/ui/`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('route_not_found');
  });
});
