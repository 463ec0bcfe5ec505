import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type OpenAI from 'openai';
import { publicKeyBase64 } from '../libs/routing/src/ml/artifact/artifact-keys';
import { writeRouterArtifact } from '../libs/routing/src/ml/artifact/router-artifact.writer';
import {
  CODE_PROMPT,
  codePoetryArtifact,
  POETRY_PROMPT,
  type Preferences,
} from '../libs/routing/src/ml/strategy/__fixtures__/code-poetry.router';
import {
  adminHeaders,
  CHAT,
  callsSince,
  countsOf,
  decisionOf,
  deployment,
  sdk,
  startStubs,
  stopStubs,
  waitFor,
  type Stubs,
} from './fixtures/routing.fixtures';
import { startTestGateway, type TestGateway } from './support/gateway-harness';
import { call, userHeaders } from './support/http';

// Learned routing through the real gateway: an `llmrouter-knn` artifact trained and signed here
// (Ed25519), two stub OpenAI deployments per kind of prompt, and the router alias across groups.

interface MlStrategy {
  name: string;
  version: string;
  model_path: string | null;
  loaded_at: string | null;
  last_error: string | null;
}

interface ReloadOutcome {
  model_path: string;
  outcome: 'loaded' | 'failed';
  version: string | null;
  error: string | null;
}

const CODE_FIRST: Preferences = { code: 'coder', poetry: 'poet' };
const SWAPPED: Preferences = { code: 'poet', poetry: 'coder' };

function keyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}

/** Trains and signs a router over candidates `coder` and `poet` into `dir`; its version. */
async function publish(dir: string, prefer: Preferences, privateKey: KeyObject): Promise<string> {
  const artifact = codePoetryArtifact(['coder', 'poet'], prefer);
  const written = await writeRouterArtifact(dir, artifact, { type: 'ed25519', privateKey });
  return written.version;
}

async function mlStrategies(gw: TestGateway): Promise<MlStrategy[]> {
  const res = await call<{ ml_strategies: MlStrategy[] }>(`${gw.url}/router/info`, {
    headers: userHeaders(),
  });
  expect(res.status).toBe(200);
  return res.body.ml_strategies;
}

async function untilVersion(gw: TestGateway, version: string): Promise<MlStrategy> {
  let last: MlStrategy | undefined;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    last = (await mlStrategies(gw)).find((s) => s.name === 'llmrouter-knn');
    if (last?.version === version) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`router never reached version ${version}: ${JSON.stringify(last)}`);
}

async function ask(
  client: OpenAI,
  model: string,
  text: string,
): Promise<{ deployment: string | null; requestId: string | null; strategy: string | null }> {
  const { response } = await client.chat.completions
    .create({ model, messages: [{ role: 'user', content: text }] })
    .withResponse();
  return {
    deployment: response.headers.get('x-routeiq-deployment'),
    requestId: response.headers.get('x-request-id'),
    strategy: response.headers.get('x-routeiq-strategy'),
  };
}

const reload = (gw: TestGateway) =>
  call<{ status: string; ml_routers: ReloadOutcome[] }>(`${gw.url}/router/reload`, {
    method: 'POST',
    headers: adminHeaders,
    body: '{}',
  });

function gatewayConfig(stubs: Stubs, modelPath: string): string {
  return JSON.stringify({
    model_list: [
      deployment('g', 'coder', stubs),
      deployment('g', 'poet', stubs),
      deployment('coding', 'code-svc', stubs, {}, { router_candidate: 'coder' }),
      deployment('writing', 'verse-svc', stubs, {}, { router_candidate: 'poet' }),
    ],
    router_settings: {
      routing_strategy: 'llmrouter-knn',
      routing_strategy_args: { model_path: modelPath, candidates: ['coding', 'writing'] },
    },
  });
}

describe('Learned (ML) routing through the gateway', () => {
  const keys = keyPair();
  let dir: string;
  let stubs: Stubs;
  let gw: TestGateway;
  let client: OpenAI;
  let version: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-ml-'));
    version = await publish(dir, CODE_FIRST, keys.privateKey);
    stubs = await startStubs(['coder', 'poet', 'code-svc', 'verse-svc']);
    gw = await startTestGateway({
      yaml: gatewayConfig(stubs, dir),
      env: { LLMROUTER_MODEL_PUBLIC_KEY_B64: publicKeyBase64(keys.publicKey) },
    });
    client = sdk(gw);
    await untilVersion(gw, version);
  });

  afterAll(async () => {
    await gw?.close();
    await stopStubs(stubs);
    rmSync(dir, { recursive: true, force: true });
  });

  it('routes each request by its prompt and records the artifact version', async () => {
    const before = countsOf(stubs);
    for (let i = 0; i < 3; i++) {
      const code = await ask(client, 'g', CODE_PROMPT);
      expect(code).toMatchObject({ deployment: 'coder', strategy: 'llmrouter-knn' });
      expect(await ask(client, 'g', POETRY_PROMPT)).toMatchObject({ deployment: 'poet' });
      if (i === 0) {
        const decision = await decisionOf(gw, code.requestId);
        expect(decision).toMatchObject({ strategy: 'llmrouter-knn', selected: 'coder' });
        expect((decision as unknown as { strategy_version: string }).strategy_version).toBe(
          version,
        );
        expect(decision.reason).toMatch(/^coder: highest predicted quality/);
        expect(JSON.stringify(decision)).not.toContain('TypeScript');
      }
    }
    expect(callsSince(stubs, before)).toEqual({ coder: 3, poet: 3 });

    const [info] = await mlStrategies(gw);
    expect(info).toMatchObject({ name: 'llmrouter-knn', version, last_error: null });
    expect(info!.model_path).toBe(dir);
    expect(info!.loaded_at).toEqual(expect.any(String));
  });

  it('routes the router alias across its candidate groups, and lists it', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(
      expect.arrayContaining(['g', 'coding', 'writing', 'router-auto']),
    );
    expect((await ask(client, 'router-auto', CODE_PROMPT)).deployment).toBe('code-svc');
    const poetry = await ask(client, 'router-auto', POETRY_PROMPT);
    expect(poetry.deployment).toBe('verse-svc');
    expect((await decisionOf(gw, poetry.requestId)).model_group).toBe('router-auto');
  });

  it('swaps to a new artifact on POST /router/reload without dropping a request', async () => {
    let stop = false;
    let served = 0;
    const failures: unknown[] = [];
    const stream = Array.from({ length: 4 }, async () => {
      while (!stop) {
        await ask(client, 'g', CODE_PROMPT).then(
          () => served++,
          (error: unknown) => failures.push(error),
        );
      }
    });
    await waitFor(() => served >= 8);
    const swapped = await publish(dir, SWAPPED, keys.privateKey);
    const res = await reload(gw);
    expect(res.status).toBe(200);
    expect(res.body.ml_routers).toEqual([
      expect.objectContaining({
        model_path: dir,
        outcome: 'loaded',
        version: swapped,
        error: null,
      }),
    ]);
    const atSwap = served;
    await waitFor(() => served >= atSwap + 8);
    stop = true;
    await Promise.all(stream);
    expect(failures).toEqual([]);

    expect((await ask(client, 'g', CODE_PROMPT)).deployment).toBe('poet');
    expect((await ask(client, 'g', POETRY_PROMPT)).deployment).toBe('coder');
    expect((await mlStrategies(gw))[0]!.version).toBe(swapped);
  });

  it('keeps the active router when the new artifact was tampered with, and says why', async () => {
    const active = (await mlStrategies(gw))[0]!.version;
    await publish(dir, CODE_FIRST, keys.privateKey);
    const routerFile = join(dir, 'router.json');
    writeFileSync(routerFile, readFileSync(routerFile, 'utf8').replace('"knn"', '"knn" '));

    const res = await reload(gw);
    expect(res.status).toBe(200);
    const [outcome] = res.body.ml_routers;
    expect(outcome).toMatchObject({ outcome: 'failed', version: active });
    expect(outcome!.error).toMatch(/sha256/);
    expect((await mlStrategies(gw))[0]!.last_error).toMatch(/sha256/);
    // Still the swapped router of the previous test.
    expect((await ask(client, 'g', CODE_PROMPT)).deployment).toBe('poet');
  });
});

describe('Learned routing with an artifact that never verifies', () => {
  const signer = keyPair();
  const trusted = keyPair();
  let dir: string;
  let stubs: Stubs;
  let gw: TestGateway;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-ml-'));
    // Signed by a key the gateway does not trust.
    await publish(dir, CODE_FIRST, signer.privateKey);
    stubs = await startStubs(['coder', 'poet', 'code-svc', 'verse-svc']);
    gw = await startTestGateway({
      yaml: gatewayConfig(stubs, dir),
      env: { LLMROUTER_MODEL_PUBLIC_KEY_B64: publicKeyBase64(trusted.publicKey) },
    });
  });

  afterAll(async () => {
    await gw?.close();
    await stopStubs(stubs);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to load it; requests are served by the default strategy, which records why', async () => {
    let info: MlStrategy | undefined;
    const deadline = Date.now() + 10_000;
    while (!info?.last_error && Date.now() < deadline) {
      info = (await mlStrategies(gw))[0];
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(info).toMatchObject({ name: 'llmrouter-knn', version: 'none', loaded_at: null });
    expect(info!.last_error).toMatch(/signature/);

    const before = countsOf(stubs);
    const { deployment: served, requestId } = await ask(sdk(gw), 'g', CODE_PROMPT);
    expect(['coder', 'poet']).toContain(served);
    const decision = await decisionOf(gw, requestId);
    expect(decision.reason).toMatch(/default strategy: llmrouter-knn failed/);
    expect((decision as unknown as { strategy_error: string }).strategy_error).toMatch(
      /did not load: .*signature/,
    );
    expect(Object.values(callsSince(stubs, before, CHAT))).toEqual([1]);
  });
});
