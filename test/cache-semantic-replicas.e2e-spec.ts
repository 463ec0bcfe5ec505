import { randomBytes } from 'node:crypto';
import { eventually } from './support/eventually';
import {
  startTestGateway,
  stubConfig,
  TEST_ADMIN_KEY,
  TEST_MASTER_KEY,
  testStack,
  type TestGateway,
} from './support/gateway-harness';
import { call, userHeaders } from './support/http';
import { OpenAiStubServer } from './support/openai-stub.server';
import { uniqueRedisPrefix } from './support/services';

// Two gateways in this process sharing Redis (one key prefix) and one upstream: the semantic index
// is shared. Replica B, started after A answered, loads the scope from Redis; once running it
// learns A's new prompts from the bus; the false-hit guard still refuses on B; a flush on A
// empties B's index too. On the embedded stack (no Redis) each replica keeps its own index.
const CHAT = '/v1/chat/completions';
const UPSTREAM_CHAT = '/v1/chat/completions';
const CACHE_ENV = {
  CACHE_ENABLED: 'true',
  CACHE_SEMANTIC_ENABLED: 'true',
  CACHE_SEMANTIC_THRESHOLD: '0.85',
};

type Body = Record<string, unknown>;
interface Asked {
  readonly cache: string | null;
  readonly tier: string | null;
}

describe('Semantic cache across replicas', () => {
  const stub = new OpenAiStubServer();
  const prefix = uniqueRedisPrefix();
  // A fresh system prompt: a semantic scope no other run shares.
  const system = `replicas ${randomBytes(4).toString('hex')}`;
  let base = '';
  let a: TestGateway | undefined;
  let b: TestGateway | undefined;
  const upstreamCalls = (): number => stub.count(UPSTREAM_CHAT);
  const start = () =>
    startTestGateway({ yaml: stubConfig(base), env: { ...CACHE_ENV, REDIS_KEY_PREFIX: prefix } });

  beforeAll(async () => {
    base = await stub.start();
    a = await start();
  });

  afterAll(async () => {
    if (a) await flush(a.url);
    await a?.close();
    await b?.close();
    await stub.stop();
  });

  async function ask(gateway: TestGateway, content: string): Promise<Asked> {
    const res = await fetch(`${gateway.url}${CHAT}`, {
      method: 'POST',
      headers: userHeaders(TEST_MASTER_KEY),
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        temperature: 0,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content },
        ],
      }),
    });
    expect(res.status).toBe(200);
    await res.text();
    return {
      cache: res.headers.get('x-routeiq-cache'),
      tier: res.headers.get('x-routeiq-cache-tier'),
    };
  }

  it('serves on B a paraphrase of what A answered, refuses a false hit, and forgets after a flush', async () => {
    expect(await ask(a!, 'What is the capital of France?')).toMatchObject({ cache: 'MISS' });
    if (testStack() === 'sqlite') {
      // No Redis: B has its own memory tier and index.
      b = await start();
      expect(await ask(b, 'What is the capital city of France?')).toMatchObject({ cache: 'MISS' });
      expect(upstreamCalls()).toBe(2);
      return;
    }
    await eventually(async () => (await shared(a!)).entries_shared === 1, 'A shared its entry');
    // B was not running when A announced it: B loads the scope from Redis when it meets it.
    b = await start();
    let calls = upstreamCalls();
    const paraphrase = await ask(b, 'What is the capital city of France?');
    expect(paraphrase).toEqual({ cache: 'HIT', tier: 'semantic' });
    expect(upstreamCalls()).toBe(calls);
    expect(await shared(b)).toMatchObject({ scope_loads: 1, entries_loaded: 1 });

    // B has loaded the scope: A's next prompts reach it over the bus.
    await ask(a!, 'Tell me the capital of Italy.');
    await ask(a!, 'Compute the total price of 3 apples at 2 dollars each');
    await eventually(async () => (await shared(b!)).entries_received === 2, 'B got both');
    calls = upstreamCalls();
    expect(await ask(b, 'Please tell me the capital of Italy')).toEqual({
      cache: 'HIT',
      tier: 'semantic',
    });
    expect(upstreamCalls()).toBe(calls);
    const refusedBefore = await refusals(b);
    expect(await ask(b, 'Compute the total price of 4 apples at 2 dollars each')).toMatchObject({
      cache: 'MISS',
    });
    expect(upstreamCalls()).toBe(calls + 1);
    expect((await refusals(b)).numbers).toBe(refusedBefore.numbers! + 1);

    const flushed = await flush(a!.url);
    expect(flushed.status).toBe(200);
    // B drops its index, memory tier and loaded scopes on the bus message; the Redis index is gone.
    let missed = false;
    for (let attempt = 0; attempt < 50 && !missed; attempt++) {
      missed = (await ask(b, 'What is the capital city of France?')).cache === 'MISS';
      if (!missed) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(missed).toBe(true);
    // B loaded the scope again after the flush and found nothing of it left in Redis.
    expect(await shared(b)).toMatchObject({ scope_loads: 2, entries_loaded: 1 });
  });
});

function flush(url: string) {
  return call(`${url}/admin/cache/flush`, {
    method: 'POST',
    headers: { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' },
    body: '{}',
  });
}

async function stats(gateway: TestGateway): Promise<Body> {
  const res = await call<Body>(`${gateway.url}/admin/cache/stats`, {
    headers: { 'x-admin-api-key': TEST_ADMIN_KEY },
  });
  expect(res.status).toBe(200);
  return res.body;
}

async function shared(gateway: TestGateway): Promise<Record<string, number>> {
  const tiers = (await stats(gateway)).tiers as { semantic: { shared: Record<string, number> } };
  return tiers.semantic.shared;
}

async function refusals(gateway: TestGateway): Promise<Record<string, number>> {
  return (await stats(gateway)).semantic_refusals as Record<string, number>;
}
