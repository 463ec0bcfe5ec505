import type { ResolvedDeployment } from '@routeiq/providers';
import { RemoteEmbeddingFeaturizer } from '../featurizer/remote-embedding.featurizer';
import {
  bagOfWordsEmbedding,
  embeddingDeployment,
  TEST_EMBEDDING_DIMENSIONS,
  type EmbeddingAnswer,
} from './__fixtures__/embedding-router.fixture';
import { embeddingOf } from './prompt-embedding.call';
import {
  embeddingCacheSizeOf,
  DEFAULT_EMBEDDING_CACHE_SIZE,
  DEFAULT_EMBEDDING_TIMEOUT_MS,
  PromptEmbeddings,
  embeddingTimeoutOf,
} from './prompt-embeddings';

const featurizer = RemoteEmbeddingFeaturizer.create({
  model: 'embedder',
  dimensions: TEST_EMBEDDING_DIMENSIONS,
});
const PROMPT = 'Write a haiku about the sea';
const OPTIONS = { requestId: 'req-1' };

function setup(answer: () => EmbeddingAnswer = () => 'embed') {
  const deployment = embeddingDeployment('emb-1', 'embedder', answer);
  const groups = new Map<string, readonly ResolvedDeployment[]>([['embedder', [deployment]]]);
  const embeddings = new PromptEmbeddings((group) => groups.get(group));
  return { deployment, embeddings, groups };
}

function unit(values: number[]): number[] {
  const norm = Math.hypot(...values);
  return values.map((value) => value / norm);
}

describe(PromptEmbeddings.name, () => {
  it("embeds the prompt through the group's deployment as /v1/embeddings would", async () => {
    const { deployment, embeddings } = setup();
    const slot = {};
    await embeddings.prepare(slot, PROMPT, featurizer, {}, OPTIONS);
    expect(deployment.calls).toEqual([{ input: PROMPT, signal: expect.any(AbortSignal) }]);
    const features = embeddings.featuresFor(slot, PROMPT, featurizer);
    expect(features.sparse.indices).toHaveLength(0);
    Array.from(features.dense).forEach((value, i) => {
      expect(value).toBeCloseTo(unit(bagOfWordsEmbedding(PROMPT))[i]!, 6);
    });
  });

  it('answers a cached prompt at once, without calling again, and evicts by LRU', async () => {
    const { deployment, embeddings } = setup();
    const args = { embedding_cache_size: 1 };
    await embeddings.prepare({}, PROMPT, featurizer, args, OPTIONS);
    const slot = {};
    expect(embeddings.prepare(slot, PROMPT, featurizer, args, OPTIONS)).toBeUndefined();
    expect(embeddings.featuresFor(slot, PROMPT, featurizer).dense).toHaveLength(64);
    expect(deployment.calls).toHaveLength(1);
    await embeddings.prepare({}, 'another prompt', featurizer, args, OPTIONS);
    await embeddings.prepare({}, PROMPT, featurizer, args, OPTIONS);
    expect(deployment.calls).toHaveLength(3);
  });

  it('shares one call between concurrent requests with the same prompt', async () => {
    const { deployment, embeddings } = setup();
    const slots = [{}, {}, {}];
    const pending = slots.map((slot) => embeddings.prepare(slot, PROMPT, featurizer, {}, OPTIONS));
    expect(pending.every((p) => p instanceof Promise)).toBe(true);
    await Promise.all(pending as Array<Promise<void>>);
    expect(deployment.calls).toHaveLength(1);
    for (const slot of slots)
      expect(embeddings.featuresFor(slot, PROMPT, featurizer).dense).toHaveLength(64);
  });

  it('does not reuse embeddings made for another embedding model', async () => {
    const { deployment, embeddings, groups } = setup();
    groups.set('other', [deployment]);
    const other = RemoteEmbeddingFeaturizer.create({ model: 'other', dimensions: 64 });
    await embeddings.prepare({}, PROMPT, featurizer, {}, OPTIONS);
    const slot = {};
    await embeddings.prepare(slot, PROMPT, other, {}, OPTIONS);
    expect(deployment.calls).toHaveLength(2);
    expect(() => embeddings.featuresFor({}, PROMPT, featurizer)).toThrow(/not embedded/);
  });

  it('uses a cached embedding for a request that was not prepared (a dry run)', async () => {
    const { embeddings } = setup();
    expect(() => embeddings.featuresFor({}, PROMPT, featurizer)).toThrow(
      'the prompt was not embedded before routing',
    );
    await embeddings.prepare({}, PROMPT, featurizer, {}, OPTIONS);
    expect(embeddings.featuresFor({}, PROMPT, featurizer).dense).toHaveLength(64);
  });

  describe('resolves without features, and pick is told why (never the prompt)', () => {
    async function reasonOf(
      answer: () => EmbeddingAnswer,
      args: Record<string, unknown> = {},
    ): Promise<string> {
      const { embeddings } = setup(answer);
      const slot = {};
      await expect(
        embeddings.prepare(slot, PROMPT, featurizer, args, OPTIONS),
      ).resolves.toBeUndefined();
      try {
        embeddings.featuresFor(slot, PROMPT, featurizer);
      } catch (error) {
        expect((error as Error).message).not.toContain('haiku');
        return (error as Error).message;
      }
      throw new Error('featuresFor did not throw');
    }

    it('when the deployment fails: its error code, not its message', async () => {
      const reason = await reasonOf(() => 'fail');
      expect(reason).toBe("the prompt's embedding by emb-1 failed: upstream_error (503)");
    });

    it('when the embedding has other dimensions than the router was trained on', async () => {
      expect(await reasonOf(() => ({ dimensions: 8 }))).toMatch(
        /failed: embedding has 8 dimensions, expected 64/,
      );
    });

    it('when the deployment does not answer within embedding_timeout_ms, aborting its call', async () => {
      jest.useFakeTimers();
      try {
        const { deployment, embeddings } = setup(() => 'hang');
        const slot = {};
        const pending = embeddings.prepare(
          slot,
          PROMPT,
          featurizer,
          { embedding_timeout_ms: 50 },
          OPTIONS,
        );
        jest.advanceTimersByTime(49);
        expect(deployment.calls[0]!.signal.aborted).toBe(false);
        jest.advanceTimersByTime(1);
        await pending;
        expect(deployment.calls[0]!.signal.aborted).toBe(true);
        expect(() => embeddings.featuresFor(slot, PROMPT, featurizer)).toThrow(
          "the prompt's embedding by emb-1 took over 50 ms",
        );
      } finally {
        jest.useRealTimers();
      }
    });

    it('when the client goes away', async () => {
      const { deployment, embeddings } = setup(() => 'hang');
      const client = new AbortController();
      const slot = {};
      const pending = embeddings.prepare(
        slot,
        PROMPT,
        featurizer,
        {},
        { ...OPTIONS, signal: client.signal },
      );
      client.abort();
      await pending;
      expect(deployment.calls[0]!.signal.aborted).toBe(true);
      expect(() => embeddings.featuresFor(slot, PROMPT, featurizer)).toThrow(/client went away/);
    });

    it('when the group has no eligible embedding deployment', async () => {
      const embeddings = new PromptEmbeddings(() => []);
      const slot = {};
      await embeddings.prepare(slot, PROMPT, featurizer, {}, OPTIONS);
      expect(() => embeddings.featuresFor(slot, PROMPT, featurizer)).toThrow(
        'model group "embedder" has no eligible embedding deployment',
      );
    });

    it('and a failure is not cached: the next request tries again', async () => {
      let answer: EmbeddingAnswer = 'fail';
      const { deployment, embeddings } = setup(() => answer);
      await embeddings.prepare({}, PROMPT, featurizer, {}, OPTIONS);
      answer = 'embed';
      const slot = {};
      await embeddings.prepare(slot, PROMPT, featurizer, {}, OPTIONS);
      expect(deployment.calls).toHaveLength(2);
      expect(embeddings.featuresFor(slot, PROMPT, featurizer).dense).toHaveLength(64);
    });
  });

  it('reads its arguments, with defaults for absent or bad values', () => {
    expect(embeddingTimeoutOf({})).toBe(DEFAULT_EMBEDDING_TIMEOUT_MS);
    expect(embeddingTimeoutOf({ embedding_timeout_ms: '350' })).toBe(350);
    expect(embeddingTimeoutOf({ embedding_timeout_ms: -1 })).toBe(200);
    expect(embeddingCacheSizeOf({})).toBe(DEFAULT_EMBEDDING_CACHE_SIZE);
    expect(embeddingCacheSizeOf({ embedding_cache_size: 0 })).toBe(0);
    expect(embeddingCacheSizeOf({ embedding_cache_size: 2.5 })).toBe(10_000);
  });
});

describe(embeddingOf.name, () => {
  const answer = (embedding: unknown) =>
    ({ object: 'list', model: 'm', data: [{ object: 'embedding', index: 0, embedding }] }) as never;

  it('reads floats, or base64 little-endian float32', () => {
    expect(embeddingOf(answer([0.5, -1]))).toEqual([0.5, -1]);
    const base64 = Buffer.from(Float32Array.of(0.5, -1).buffer).toString('base64');
    expect(Array.from(embeddingOf(answer(base64)))).toEqual([0.5, -1]);
  });

  it('refuses an answer without an embedding', () => {
    expect(() => embeddingOf(answer(['x']))).toThrow(/no embedding/);
    expect(() => embeddingOf({ data: [] } as never)).toThrow(/no embedding/);
    expect(() => embeddingOf(null as never)).toThrow(/no embedding/);
    expect(() => embeddingOf(answer('!!'))).toThrow(/base64/);
  });
});
