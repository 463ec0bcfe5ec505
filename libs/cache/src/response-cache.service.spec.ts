import { createServer, type AddressInfo } from 'node:net';
import {
  CoordinationKeys,
  RedisConnections,
  RedisCoordinationBus,
  RedisResponseCacheStore,
  RedisSemanticIndexStore,
} from '@routeiq/coordination';
import type { DeploymentHealthService, ModelRegistryService } from '@routeiq/routing';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { CacheAdminService } from './admin/cache-admin.service';
import { parseEntriesQuery, parseFlushBody } from './admin/cache-admin.request';
import { CACHE_MAX_ENTRY_BYTES, CacheConfig } from './cache.config';
import { CacheStats } from './cache-stats';
import { CacheTiers } from './cache-tiers.service';
import type { CacheLookupInput } from './response-cache.port';
import { ResponseCacheService } from './response-cache.service';
import { SemanticCache } from './semantic/semantic-cache.service';
import { SemanticEmbedder } from './semantic/semantic-embedder.service';
import { SemanticIndexSync } from './semantic/semantic-index-sync.service';

interface Replica {
  readonly cache: ResponseCacheService;
  readonly stats: CacheStats;
  readonly tiers: CacheTiers;
  readonly admin: CacheAdminService;
  close(): Promise<void>;
}

const keys = new CoordinationKeys(uniqueRedisPrefix());
const meta = { modelGroup: 'gpt', deploymentId: 'gpt-1' };
const settings = (overrides: Partial<CacheConfig>): CacheConfig =>
  Object.assign(new CacheConfig(), {
    enabled: true,
    ttlSeconds: 60,
    maxTemperature: 0,
    localMaxEntries: 100,
    redisEnabled: true,
    semanticEnabled: true,
    semanticThreshold: 0.85,
    semanticEmbeddingModel: '',
    semanticMaxPromptsPerScope: 128,
    ...overrides,
  });

async function replica(
  overrides: Partial<CacheConfig> = {},
  url = TEST_REDIS_URL,
): Promise<Replica> {
  const connections = new RedisConnections(url);
  if (url === TEST_REDIS_URL && !(await connections.waitUntilReady(5000))) {
    throw new Error('test Redis is not running');
  }
  const config = settings(overrides);
  const stats = new CacheStats();
  const bus = new RedisCoordinationBus(connections, keys);
  const tiers = new CacheTiers(config, new RedisResponseCacheStore(connections, keys), bus, stats);
  tiers.onModuleInit();
  // The built-in term vectors never touch the model registry.
  const embedder = new SemanticEmbedder(
    config,
    {} as ModelRegistryService,
    {} as DeploymentHealthService,
  );
  const indexStore = new RedisSemanticIndexStore(connections, keys);
  const sync = new SemanticIndexSync(config, tiers, indexStore, bus, stats);
  sync.onModuleInit();
  const semantic = new SemanticCache(config, embedder, tiers, stats, sync);
  const cache = new ResponseCacheService(config, tiers, semantic, stats);
  const admin = new CacheAdminService(config, tiers, semantic, stats);
  return { cache, stats, tiers, admin, close: () => connections.close() };
}

const chat = (
  content: string,
  fields: Record<string, unknown> = {},
  teamId = 't1',
): CacheLookupInput => ({
  endpoint: 'chat',
  request: { model: 'gpt', messages: [{ role: 'user', content }], temperature: 0, ...fields },
  stream: fields.stream === true,
  teamId,
  keyId: 'k1',
  cacheControl: undefined,
});

const answer = (content: string) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1700000000,
  model: 'gpt-4o',
  choices: [
    { index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
});

async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not met within 2 s');
}

function store(target: Replica, input: CacheLookupInput, content: string): void {
  const plan = target.cache.plan(input);
  if (!plan) throw new Error('not cacheable');
  target.cache.storeResult(plan, answer(content), meta);
}

describe(ResponseCacheService.name, () => {
  let a: Replica;
  let b: Replica;
  const admin = new Redis(TEST_REDIS_URL);

  beforeEach(async () => {
    [a, b] = await Promise.all([replica(), replica()]);
  });

  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    const written = await admin.keys(`${keys.prefix}*`);
    if (written.length > 0) await admin.del(...written);
  });

  afterAll(() => admin.disconnect());

  it('plans nothing when disabled or when the request is not deterministic', async () => {
    const off = await replica({ enabled: false });
    try {
      expect(off.cache.plan(chat('hi'))).toBeUndefined();
    } finally {
      await off.close();
    }
    expect(a.cache.plan(chat('hi', { temperature: 0.7 }))).toBeUndefined();
    expect(a.cache.plan(chat('hi', { temperature: undefined }))).toBeUndefined();
    expect(a.cache.plan(chat('hi', { temperature: 0.7, caching: true }))).toBeDefined();
  });

  it('misses, stores, then hits from memory; another replica hits from Redis', async () => {
    const plan = a.cache.plan(chat('What is 2+2?'))!;
    await expect(a.cache.lookup(plan)).resolves.toBeUndefined();
    a.cache.storeResult(plan, answer('4'), meta);

    await expect(a.cache.lookup(plan)).resolves.toMatchObject({
      tier: 'memory',
      ageSeconds: 0,
      deploymentId: 'gpt-1',
      result: answer('4'),
    });
    const remote = await eventually(() => b.cache.lookup(b.cache.plan(chat('What is 2+2?'))!));
    expect(remote).toMatchObject({ tier: 'redis', result: answer('4') });
    // The Redis hit filled the other replica's memory tier.
    await expect(b.cache.lookup(b.cache.plan(chat('What is 2+2?'))!)).resolves.toMatchObject({
      tier: 'memory',
    });
    expect(a.stats).toMatchObject({ misses: 1, stores: 1, hits: { memory: 1 } });
    expect(b.stats.hits).toEqual({ memory: 1, redis: 1, semantic: 0 });
  });

  it('returns a unary entry as chunks to a stream request, and hands out copies', async () => {
    store(a, chat('Say hi'), 'hi');
    const hit = await a.cache.lookup(
      a.cache.plan(chat('Say hi', { stream: true, stream_options: { include_usage: true } }))!,
    );
    expect(
      hit?.chunks?.map((chunk) => (chunk as { choices: { delta?: object }[] }).choices[0]?.delta),
    ).toEqual([{ role: 'assistant', content: '' }, { content: 'hi' }, {}, undefined]);
    const first = (await a.cache.lookup(a.cache.plan(chat('Say hi'))!))!.result as { id: string };
    first.id = 'changed by a caller';
    const second = (await a.cache.lookup(a.cache.plan(chat('Say hi'))!))!.result as { id: string };
    expect(second.id).toBe('chatcmpl-1');
  });

  it('keeps tenants apart', async () => {
    store(a, chat('Same prompt', {}, 't1'), 'for t1');
    await expect(
      a.cache.lookup(a.cache.plan(chat('Same prompt', {}, 't2'))!),
    ).resolves.toBeUndefined();
    await expect(
      a.cache.lookup(a.cache.plan(chat('Same prompt', {}, 't1'))!),
    ).resolves.toBeDefined();
  });

  it('honours no-cache (stores without lookup), no-store and max-age', async () => {
    const noCache = { ...chat('Cached?'), cacheControl: 'no-cache' };
    const plan = a.cache.plan(noCache)!;
    await expect(a.cache.lookup(plan)).resolves.toBeUndefined();
    a.cache.storeResult(plan, answer('yes'), meta);
    await expect(a.cache.lookup(plan)).resolves.toBeUndefined();
    expect(a.stats.bypassed).toBe(2);
    await expect(a.cache.lookup(a.cache.plan(chat('Cached?'))!)).resolves.toBeDefined();
    expect(a.cache.plan({ ...chat('Cached?'), cacheControl: 'no-store' })).toBeUndefined();

    const old = a.cache.plan(chat('Cached?', { cache: { 's-maxage': 0 } }))!;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(a.cache.lookup(old)).resolves.toBeUndefined();
  });

  it('never stores an incomplete stream, an error body or an oversized answer', async () => {
    const streamPlan = a.cache.plan(chat('Stream', { stream: true }))!;
    const chunk = {
      id: 'c',
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }],
    };
    a.cache.storeStream(streamPlan, [chunk], meta);
    const unaryPlan = a.cache.plan(chat('Error'))!;
    a.cache.storeResult(unaryPlan, { error: { message: 'x' } }, meta);
    const bigPlan = a.cache.plan(chat('Big'))!;
    a.cache.storeResult(bigPlan, answer('x'.repeat(CACHE_MAX_ENTRY_BYTES)), meta);
    expect(a.stats.skipped).toEqual({ incomplete: 2, too_large: 1 });
    await expect(a.cache.lookup(streamPlan)).resolves.toBeUndefined();

    const done = { ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
    a.cache.storeStream(streamPlan, [chunk, done], meta);
    await expect(a.cache.lookup(a.cache.plan(chat('Stream'))!)).resolves.toMatchObject({
      result: {
        object: 'chat.completion',
        choices: [{ message: { content: 'x' }, finish_reason: 'stop' }],
      },
    });
  });

  it('serves a paraphrase from the semantic tier and refuses numbers, negation and names', async () => {
    store(a, chat('What is the capital of France?'), 'Paris');
    await expect(
      a.cache.lookup(a.cache.plan(chat('What is the capital city of France?'))!),
    ).resolves.toMatchObject({ tier: 'semantic', result: answer('Paris') });

    store(a, chat('Is Python a compiled language?'), 'No');
    store(a, chat('Write a short poem about the city of Paris in the spring'), 'poem');
    store(a, chat('Compute the total price of 3 apples at 2 dollars each'), '6');
    const misses = [
      'Is Python not a compiled language?',
      'Write a short poem about the city of Rome in the spring',
      'Compute the total price of 4 apples at 2 dollars each',
    ];
    for (const prompt of misses) {
      await expect(a.cache.lookup(a.cache.plan(chat(prompt))!)).resolves.toBeUndefined();
    }
    expect(a.stats.semanticRefusals).toEqual({
      numbers: 1,
      negation: 1,
      entities: 1,
      units_dates: 0,
    });
    // Another tenant never gets a semantic hit from this one's answers.
    await expect(
      a.cache.lookup(a.cache.plan(chat('What is the capital city of France?', {}, 't2'))!),
    ).resolves.toBeUndefined();
  });

  it('flushes a team on every replica and in Redis, leaving other teams', async () => {
    store(a, chat('Team one'), 'one');
    store(a, chat('Team two', {}, 't2'), 'two');
    await eventually(() => b.cache.lookup(b.cache.plan(chat('Team one'))!));
    await eventually(() => b.cache.lookup(b.cache.plan(chat('Team two', {}, 't2'))!));

    await expect(a.admin.flush(parseFlushBody({ team_id: 't1' }))).resolves.toEqual({
      flushed: { memory: 1, redis: 1 },
      filter: { team_id: 't1' },
    });
    // b dropped its copy on the bus message; Redis has none left either.
    await eventually(async () => (b.tiers.memory.size === 1 ? true : undefined));
    await expect(b.cache.lookup(b.cache.plan(chat('Team one'))!)).resolves.toBeUndefined();
    await expect(b.cache.lookup(b.cache.plan(chat('Team two', {}, 't2'))!)).resolves.toMatchObject({
      tier: 'memory',
    });
  });

  it('lists entries per tier without content unless asked for', async () => {
    store(a, chat('Listed'), 'listed');
    const query = (fields: Record<string, unknown>) => a.admin.entries(parseEntriesQuery(fields));
    const memory = await query({ team_id: 't1' });
    expect(memory.data).toEqual([
      expect.objectContaining({
        tier: 'memory',
        scope: 'team:t1',
        model: 'gpt',
        endpoint: 'chat',
        kind: 'result',
      }),
    ]);
    expect(memory.data[0]).not.toHaveProperty('content');
    expect(memory.next_cursor).not.toBeNull();
    const redis = await eventually(async () => {
      const page = await query({
        team_id: 't1',
        cursor: memory.next_cursor!,
        include_content: 'true',
      });
      return page.data.length > 0 ? page : undefined;
    });
    expect(redis.data[0]).toMatchObject({
      tier: 'redis',
      scope: 'team:t1',
      content: answer('listed'),
    });
    expect(redis.data[0]!.ttl_seconds).toBeGreaterThan(50);
    await expect(query({ team_id: 't2' })).resolves.toMatchObject({ data: [] });
    await expect(query({ cursor: 'bogus' })).rejects.toMatchObject({ status: 400 });
    const stats = a.admin.statsView();
    expect(stats).toMatchObject({ tiers: { memory: { entries: 1 }, redis: { enabled: true } } });
  });

  it('goes on without Redis: reads miss, writes are dropped, nothing throws', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const down = await replica({}, `redis://127.0.0.1:${port}`);
    try {
      const plan = down.cache.plan(chat('Offline'))!;
      await expect(down.cache.lookup(plan)).resolves.toBeUndefined();
      down.cache.storeResult(plan, answer('memory only'), meta);
      await expect(down.cache.lookup(plan)).resolves.toMatchObject({ tier: 'memory' });
      await eventually(async () => (down.stats.sharedErrors >= 2 ? true : undefined));
      await expect(down.admin.flush(parseFlushBody({}))).rejects.toMatchObject({ status: 503 });
      expect(down.tiers.memory.size).toBe(0);
    } finally {
      await down.close();
    }
  });
});
