import { randomBytes } from 'node:crypto';
import {
  startTestGateway,
  stubConfig,
  TEST_ADMIN_KEY,
  TEST_MASTER_KEY,
  type TestGateway,
} from './support/gateway-harness';
import { call, userHeaders } from './support/http';
import { OpenAiStubServer } from './support/openai-stub.server';

// The semantic tier through the gateway: a paraphrase is served from another prompt's answer, a
// prompt that differs in numbers, negation or names is not (the false-hit guard), with the
// built-in term vectors and with an embedding deployment of the config.
const CHAT = '/v1/chat/completions';
const UPSTREAM_CHAT = '/v1/chat/completions';
const CACHE_ENV = {
  CACHE_ENABLED: 'true',
  CACHE_SEMANTIC_ENABLED: 'true',
  CACHE_SEMANTIC_THRESHOLD: '0.85',
};

type Body = Record<string, unknown>;
interface Asked {
  readonly status: number;
  readonly cache: string | null;
  readonly tier: string | null;
  readonly body: string;
}

/** Asks the gateway at `url` with the master key; `system` goes first when given. */
async function askAt(url: string, content: string, system?: string): Promise<Asked> {
  const messages = [
    ...(system === undefined ? [] : [{ role: 'system', content: system }]),
    { role: 'user', content },
  ];
  const res = await fetch(`${url}${CHAT}`, {
    method: 'POST',
    headers: userHeaders(TEST_MASTER_KEY),
    body: JSON.stringify({ model: 'gpt-4o-mini', temperature: 0, messages }),
  });
  return {
    status: res.status,
    cache: res.headers.get('x-routeiq-cache'),
    tier: res.headers.get('x-routeiq-cache-tier'),
    body: await res.text(),
  };
}

async function statsOf(url: string): Promise<Body> {
  const res = await call<Body>(`${url}/admin/cache/stats`, {
    headers: { 'x-admin-api-key': TEST_ADMIN_KEY },
  });
  expect(res.status).toBe(200);
  return res.body;
}

async function flushAll(url: string): Promise<void> {
  const headers = { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' };
  await call(`${url}/admin/cache/flush`, { method: 'POST', headers, body: '{}' });
}

describe('Semantic cache with the built-in term vectors', () => {
  const stub = new OpenAiStubServer();
  let gw: TestGateway;
  const upstreamCalls = (): number => stub.count(UPSTREAM_CHAT);

  beforeAll(async () => {
    gw = await startTestGateway({ yaml: stubConfig(await stub.start()), env: CACHE_ENV });
  });

  afterAll(async () => {
    if (gw) await flushAll(gw.url);
    await gw?.close();
    await stub.stop();
  });

  it('serves a paraphrase from the semantic tier and refuses numbers, negation and names', async () => {
    // A fresh system prompt: part of the semantic scope, not of the compared text.
    const system = `run ${randomBytes(3).toString('hex')}`;
    const ask = (content: string) => askAt(gw.url, content, system);
    expect(await ask('What is the capital of France?')).toMatchObject({ cache: 'MISS' });
    const before = upstreamCalls();
    const paraphrase = await ask('What is the capital city of France?');
    expect(paraphrase).toMatchObject({ status: 200, cache: 'HIT', tier: 'semantic' });
    expect(upstreamCalls()).toBe(before);
    // Another system prompt is another scope: no semantic hit across it.
    const other = await askAt(gw.url, 'What is the capital city of France?', `${system}!`);
    expect(other.cache).toBe('MISS');

    await ask('Is Python a compiled language?');
    await ask('Write a short poem about the city of Paris in the spring');
    await ask('Compute the total price of 3 apples at 2 dollars each');
    const refusedBefore = (await statsOf(gw.url)).semantic_refusals as Record<string, number>;
    const refused = [
      'Is Python not a compiled language?',
      'Write a short poem about the city of Rome in the spring',
      'Compute the total price of 4 apples at 2 dollars each',
    ];
    const calls = upstreamCalls();
    for (const prompt of refused) expect((await ask(prompt)).cache).toBe('MISS');
    expect(upstreamCalls()).toBe(calls + 3);
    const refusedAfter = (await statsOf(gw.url)).semantic_refusals as Record<string, number>;
    for (const reason of ['negation', 'entities', 'numbers']) {
      expect(refusedAfter[reason]).toBe(refusedBefore[reason]! + 1);
    }
  });
});

/** A deterministic stand-in for an embedding model: content words hashed into 64 dimensions. */
function wordEmbedding(text: string): number[] {
  const vector = new Array<number>(64).fill(0);
  const filler = new Set(['what', 'is', 'the', 'of', 'tell', 'me', 'please', 'a']);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    if (filler.has(word)) continue;
    let hash = 7;
    for (const char of word) hash = (hash * 31 + char.charCodeAt(0)) % 9973;
    vector[hash % 64]! += 1;
  }
  return vector;
}

describe('Semantic cache with an embedding deployment', () => {
  const stub = new OpenAiStubServer();
  let gw: TestGateway;
  const ask = (content: string) => askAt(gw.url, content);
  const stats = () => statsOf(gw.url);

  beforeAll(async () => {
    const base = await stub.start();
    stub.embed = wordEmbedding;
    gw = await startTestGateway({
      yaml: stubConfig(base),
      env: { ...CACHE_ENV, CACHE_SEMANTIC_EMBEDDING_MODEL: 'gpt-4o-mini' },
    });
  });

  afterAll(async () => {
    if (gw) await flushAll(gw.url);
    await gw?.close();
    await stub.stop();
  });

  it('embeds prompts through the deployment and serves a paraphrase', async () => {
    const tag = randomBytes(3).toString('hex');
    const first = await ask(`What is the capital of France? ${tag}`);
    expect(first).toMatchObject({ status: 200, cache: 'MISS' });
    const embedded = stub.count('/v1/embeddings');
    expect(embedded).toBeGreaterThan(0);
    const chats = stub.count(UPSTREAM_CHAT);
    const paraphrase = await ask(`Please tell me the capital of France ${tag}`);
    expect(paraphrase).toMatchObject({ status: 200, cache: 'HIT', tier: 'semantic' });
    expect(paraphrase.body).toBe(first.body);
    expect(stub.count(UPSTREAM_CHAT)).toBe(chats);
    expect(stub.count('/v1/embeddings')).toBeGreaterThan(embedded);
    expect(await stats()).toMatchObject({ tiers: { semantic: { embedding: 'gpt-4o-mini' } } });
  });

  it('misses, and counts it, when the embedding deployment fails', async () => {
    const failuresBefore = (await stats()).semantic_embedding_failures as number;
    stub.failAll('/v1/embeddings', {
      kind: 'json',
      status: 500,
      body: { error: { message: 'down' } },
    });
    try {
      const answer = await ask(`What is the capital of Spain? ${randomBytes(3).toString('hex')}`);
      expect(answer).toMatchObject({ status: 200, cache: 'MISS' });
    } finally {
      stub.clearFailures('/v1/embeddings');
    }
    expect((await stats()).semantic_embedding_failures).toBe(failuresBefore + 1);
  });
});
