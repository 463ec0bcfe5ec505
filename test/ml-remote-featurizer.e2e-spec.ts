import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type OpenAI from 'openai';
import { routeiq } from '../apps/cli/src/ml/__fixtures__/ml-cli.harness';
import {
  CODE_PROMPT,
  CODE_PROMPTS,
  POETRY_PROMPT,
  POETRY_PROMPTS,
} from '../libs/routing/src/ml/strategy/__fixtures__/code-poetry.router';
import { bagOfWordsEmbedding } from '../libs/routing/src/ml/strategy/__fixtures__/embedding-router.fixture';
import {
  adminHeaders,
  callsSince,
  countsOf,
  decisionOf,
  deployment,
  sdk,
  startStubs,
  stopStubs,
  type Stubs,
} from './fixtures/routing.fixtures';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from './support/gateway-harness';
import { call, userHeaders } from './support/http';

// Learned routing with the remote (embedding) featurizer: a kNN router trained here by
// `routeiq train --featurizer remote-embedding` through the running gateway's own /v1/embeddings,
// then serving requests that the gateway embeds through its embedding deployment before routing.
// The stub embedding model is a hashed bag of words, so code and poetry prompts fall apart.

const EMBEDDINGS = '/v1/embeddings';
const HMAC_SECRET = 'remote-featurizer-e2e-hmac-secret-0123456789';
// Each routed request waits for its embedding this long: room for a busy machine, and the
// stalled-upstream test waits it out once.
const TIMEOUT_MS = 3000;

interface MlStrategy {
  name: string;
  version: string;
  last_error: string | null;
}

function gatewayConfig(stubs: Stubs, modelPath: string): string {
  return JSON.stringify({
    model_list: [
      deployment('g', 'coder', stubs),
      deployment('g', 'poet', stubs),
      deployment('embedder', 'embed-svc', stubs),
    ],
    router_settings: {
      routing_strategy: 'llmrouter-knn',
      routing_strategy_args: { model_path: modelPath, embedding_timeout_ms: TIMEOUT_MS },
    },
  });
}

/** Code prompts are won by `coder`, poetry ones by `poet`: a score-matrix JSONL file. */
function writeTrainingData(file: string): void {
  const rows = [
    ...CODE_PROMPTS.map((query) => ({ query, scores: { coder: 1, poet: 0 } })),
    ...POETRY_PROMPTS.map((query) => ({ query, scores: { coder: 0, poet: 1 } })),
  ];
  writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
}

async function knnStrategy(gw: TestGateway): Promise<MlStrategy | undefined> {
  const res = await call<{ ml_strategies: MlStrategy[] }>(`${gw.url}/router/info`, {
    headers: userHeaders(),
  });
  return res.body.ml_strategies.find((s) => s.name === 'llmrouter-knn');
}

async function ask(client: OpenAI, text: string) {
  const { response } = await client.chat.completions
    .create({ model: 'g', messages: [{ role: 'user', content: text }] })
    .withResponse();
  return {
    deployment: response.headers.get('x-routeiq-deployment'),
    requestId: response.headers.get('x-request-id'),
  };
}

describe('Learned routing with the remote-embedding featurizer', () => {
  let dir: string;
  let stubs: Stubs;
  let gw: TestGateway;
  let client: OpenAI;
  let version: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-ml-remote-'));
    stubs = await startStubs(['coder', 'poet', 'embed-svc']);
    stubs['embed-svc']!.embed = (text) => bagOfWordsEmbedding(text);
    gw = await startTestGateway({
      yaml: gatewayConfig(stubs, join(dir, 'router')),
      env: { LLMROUTER_MODEL_HMAC_SECRET: HMAC_SECRET },
    });
    client = sdk(gw);

    const data = join(dir, 'train.jsonl');
    writeTrainingData(data);
    const env = { GATEWAY_KEY: TEST_MASTER_KEY, ROUTER_HMAC: HMAC_SECRET };
    const train = await routeiq(
      [
        'train',
        '--router',
        'knn',
        '--data',
        data,
        '--out',
        join(dir, 'router'),
        '--option',
        'k=3',
        '--featurizer',
        'remote-embedding',
        '--embed-base-url',
        `${gw.url}/v1`,
        '--embed-model',
        'embedder',
        '--embed-api-key-env',
        'GATEWAY_KEY',
        '--embed-batch',
        '8',
      ],
      env,
    );
    expect(train).toMatchObject({ code: 0 });
    const sign = await routeiq(
      ['sign', '--manifest', join(dir, 'router'), '--hmac-secret-env', 'ROUTER_HMAC'],
      env,
    );
    expect(sign).toMatchObject({ code: 0 });
    const reload = await call<{ ml_routers: Array<{ outcome: string; version: string }> }>(
      `${gw.url}/router/reload`,
      { method: 'POST', headers: adminHeaders, body: '{}' },
    );
    expect(reload.body.ml_routers).toEqual([
      expect.objectContaining({ outcome: 'loaded', version: expect.any(String) }),
    ]);
    version = reload.body.ml_routers[0]!.version;
  });

  afterAll(async () => {
    await gw?.close();
    await stopStubs(stubs);
    rmSync(dir, { recursive: true, force: true });
  });

  it('trained through the gateway: every query went to the embedding deployment in batches', () => {
    const embedded = stubs['embed-svc']!.requests.filter((r) => r.path === EMBEDDINGS);
    expect(embedded.map((r) => (r.body.input as string[]).length)).toEqual([8, 8, 4]);
    expect(embedded[0]!.body).toMatchObject({
      model: 'embed-svc',
      input: CODE_PROMPTS.slice(0, 8),
    });
  });

  it('embeds each new prompt once, then routes it by its embedding', async () => {
    expect(await knnStrategy(gw)).toMatchObject({ version, last_error: null });
    const embedder = stubs['embed-svc']!;
    const before = countsOf(stubs);
    const embeddedBefore = embedder.count(EMBEDDINGS);

    const code = await ask(client, CODE_PROMPT);
    expect(code.deployment).toBe('coder');
    expect(embedder.last().body).toEqual({
      model: 'embed-svc',
      input: CODE_PROMPT,
      encoding_format: 'float',
    });
    expect((await ask(client, POETRY_PROMPT)).deployment).toBe('poet');
    // Cached: asked again, neither prompt is embedded again.
    expect((await ask(client, CODE_PROMPT)).deployment).toBe('coder');
    expect((await ask(client, POETRY_PROMPT)).deployment).toBe('poet');
    expect(embedder.count(EMBEDDINGS) - embeddedBefore).toBe(2);
    expect(callsSince(stubs, before)).toEqual({ coder: 2, poet: 2 });

    const decision = await decisionOf(gw, code.requestId);
    expect(decision).toMatchObject({ strategy: 'llmrouter-knn', selected: 'coder' });
    expect((decision as unknown as { strategy_version: string }).strategy_version).toBe(version);
    expect(decision.reason).toMatch(/^coder: highest predicted quality/);
    expect(JSON.stringify(decision)).not.toContain('TypeScript');
  });

  it('serves requests through the default strategy while the embedding upstream stalls', async () => {
    const embedder = stubs['embed-svc']!;
    embedder.failAll(EMBEDDINGS, { kind: 'hang' });
    try {
      const before = countsOf(stubs);
      const fresh = await ask(client, 'Write a Go program that reverses a string');
      expect(['coder', 'poet']).toContain(fresh.deployment);
      const decision = (await decisionOf(gw, fresh.requestId)) as unknown as {
        reason: string;
        strategy_error: string;
      };
      expect(decision.reason).toMatch(/default strategy: llmrouter-knn failed/);
      expect(decision.strategy_error).toBe(
        `the prompt's embedding by embed-svc took over ${TIMEOUT_MS} ms`,
      );
      expect(JSON.stringify(decision)).not.toContain('reverses');

      // A prompt embedded before is still routed by the model: its embedding is cached.
      expect((await ask(client, POETRY_PROMPT)).deployment).toBe('poet');
      const served = Object.values(callsSince(stubs, before));
      expect(served.reduce((sum, n) => sum + n, 0)).toBe(2);
    } finally {
      embedder.clearFailures(EMBEDDINGS);
    }
  });
});
