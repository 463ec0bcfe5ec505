import { randomBytes } from 'node:crypto';
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

// Two gateways in this process sharing Redis (one key prefix): what one stores, the other serves
// from the Redis tier, and a flush on one empties both. On the embedded stack (no Redis) each
// replica has its own memory tier, and the test checks exactly that.
const CHAT = '/v1/chat/completions';
const UPSTREAM_CHAT = '/v1/chat/completions';
const CACHE_ENV = { CACHE_ENABLED: 'true' };

type Body = Record<string, unknown>;

function flush(url: string) {
  return call(`${url}/admin/cache/flush`, {
    method: 'POST',
    headers: { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' },
    body: '{}',
  });
}

describe('Response cache across replicas', () => {
  const stub = new OpenAiStubServer();
  const replicas: TestGateway[] = [];
  const prefix = uniqueRedisPrefix();

  beforeAll(async () => {
    const base = await stub.start();
    for (let i = 0; i < 2; i++) {
      const env = { ...CACHE_ENV, REDIS_KEY_PREFIX: prefix };
      replicas.push(await startTestGateway({ yaml: stubConfig(base), env }));
    }
  });

  afterAll(async () => {
    // The last miss of the test stored its answer again: nothing of this run stays in Redis.
    if (replicas[0]) await flush(replicas[0].url);
    for (const replica of replicas) await replica.close();
    await stub.stop();
  });

  const ask = (i: number, body: Body) =>
    fetch(`${replicas[i]!.url}${CHAT}`, {
      method: 'POST',
      headers: userHeaders(TEST_MASTER_KEY),
      body: JSON.stringify(body),
    });

  it('serves on one replica what the other stored (Redis), and flushes both', async () => {
    const body = {
      model: 'gpt-4o-mini',
      temperature: 0,
      messages: [{ role: 'user', content: `shared ${randomBytes(4).toString('hex')}` }],
    };
    const first = await ask(0, body);
    expect(first.headers.get('x-routeiq-cache')).toBe('MISS');
    await first.text();
    const second = await ask(1, body);
    await second.text();
    if (testStack() === 'sqlite') {
      // No Redis: each replica has its own memory tier.
      expect(second.headers.get('x-routeiq-cache')).toBe('MISS');
      expect(stub.count(UPSTREAM_CHAT)).toBe(2);
      return;
    }
    expect(second.headers.get('x-routeiq-cache')).toBe('HIT');
    expect(second.headers.get('x-routeiq-cache-tier')).toBe('redis');
    expect(stub.count(UPSTREAM_CHAT)).toBe(1);

    const flushed = await flush(replicas[0]!.url);
    expect(flushed.status).toBe(200);
    expect(flushed.body).toMatchObject({ flushed: { memory: 1, redis: 1 } });
    // Replica 1 filled its memory tier from Redis; the bus message emptied it.
    let missed = false;
    for (let attempt = 0; attempt < 50 && !missed; attempt++) {
      const again = await ask(1, body);
      await again.text();
      missed = again.headers.get('x-routeiq-cache') === 'MISS';
      if (!missed) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(missed).toBe(true);
  });
});
