import type { EmbeddingRequest, ProviderCallContext, ResolvedDeployment } from '@routeiq/providers';
import { RemoteEmbeddingFeaturizer } from '../../featurizer/remote-embedding.featurizer';
import type { RouterArtifact, ScoreMatrix } from '../../ml.types';
import { KnnTrainer } from '../../models/knn/knn.trainer';
import { CODE_PROMPTS, POETRY_PROMPTS, type Preferences } from './code-poetry.router';

/** Dimensions of the test embeddings. */
export const TEST_EMBEDDING_DIMENSIONS = 64;

/**
 * A deterministic stand-in for an embedding model: a hashed, signed bag of words (FNV-1a of each
 * lower-case word). Prompts sharing words point the same way, so "code" and "poetry" prompts
 * separate as they would with a real model. Not normalised (the featurizer does that).
 */
export function bagOfWordsEmbedding(
  text: string,
  dimensions = TEST_EMBEDDING_DIMENSIONS,
): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 0x01000193);
    const bucket = (hash >>> 0) % dimensions;
    vector[bucket]! += hash & 0x80000000 ? -1 : 1;
  }
  return vector;
}

/**
 * A kNN artifact over `remote-embedding` features by `model`, trained on the code and poetry
 * prompts embedded with `bagOfWordsEmbedding`: the remote twin of `codePoetryArtifact`.
 */
export function codePoetryEmbeddingArtifact(
  candidates: readonly string[],
  prefer: Preferences,
  model = 'embedder',
): RouterArtifact {
  const queries = [...CODE_PROMPTS, ...POETRY_PROMPTS];
  const scores = new Float64Array(queries.length * candidates.length);
  queries.forEach((_query, q) => {
    const winner = q < CODE_PROMPTS.length ? prefer.code : prefer.poetry;
    candidates.forEach((name, c) => (scores[q * candidates.length + c] = name === winner ? 1 : 0));
  });
  const matrix: ScoreMatrix = { queries, candidates, scores };
  const featurizer = RemoteEmbeddingFeaturizer.create({
    model,
    dimensions: TEST_EMBEDDING_DIMENSIONS,
  });
  const features = queries.map((query) =>
    featurizer.featurizeEmbedding(bagOfWordsEmbedding(query)),
  );
  const knn = new KnnTrainer().train(features, matrix, { k: 3 });
  return {
    format: 'routeiq.router.v1',
    created_at: '2025-01-01T00:00:00.000Z',
    candidates,
    featurizer: featurizer.toJSON(),
    model: knn.toJSON(),
  };
}

/** How the fake embedding deployment answers one call. */
export type EmbeddingAnswer = 'embed' | 'hang' | 'fail' | { readonly dimensions: number };

/**
 * An embedding deployment whose adapter answers in process: `bagOfWordsEmbedding` of the input,
 * or as `answer` says. Records each call's input and signal.
 */
export function embeddingDeployment(
  id: string,
  group: string,
  answer: () => EmbeddingAnswer = () => 'embed',
): ResolvedDeployment & { readonly calls: Array<{ input: unknown; signal: AbortSignal }> } {
  const calls: Array<{ input: unknown; signal: AbortSignal }> = [];
  const adapter = {
    capabilities: new Set(['embedding']),
    embedding(request: EmbeddingRequest, ctx: ProviderCallContext) {
      calls.push({ input: request.input, signal: ctx.signal });
      const how = answer();
      if (how === 'hang') return new Promise(() => undefined);
      if (how === 'fail') {
        return Promise.reject(
          Object.assign(new Error('upstream said: no'), { code: 'upstream_error', status: 503 }),
        );
      }
      const dimensions = how === 'embed' ? TEST_EMBEDDING_DIMENSIONS : how.dimensions;
      const embedding = bagOfWordsEmbedding(String(request.input), dimensions);
      return Promise.resolve({
        object: 'list',
        model: request.model,
        data: [{ object: 'embedding', index: 0, embedding }],
        usage: { prompt_tokens: 1, total_tokens: 1 },
      });
    },
  };
  return {
    id,
    modelName: group,
    provider: 'openai',
    upstreamModel: id,
    adapter,
    calls,
  } as unknown as ResolvedDeployment & { calls: Array<{ input: unknown; signal: AbortSignal }> };
}
