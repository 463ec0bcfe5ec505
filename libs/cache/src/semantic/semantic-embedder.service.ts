import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EmbeddingResponse } from '@routeiq/providers';
import { DeploymentHealthService, ModelRegistryService } from '@routeiq/routing';
import { CacheConfig } from '../cache.config';
import { denseVector, termVector, type PromptVector } from './prompt-vector';

/** How long a lookup waits for an embedding deployment before it gives up (a miss). */
export const SEMANTIC_EMBEDDING_TIMEOUT_MS = 200;

/** A prompt's vector, or why there is none (never holding the prompt or the upstream's text). */
export type Embedding = { readonly vector: PromptVector } | { readonly failure: string };

/**
 * Embeds prompts for the semantic cache: the built-in hashed term vectors, or, when
 * `CACHE_SEMANTIC_EMBEDDING_MODEL` names a model group, one of its healthy embedding deployments
 * (called as `/v1/embeddings` calls it, within a short deadline).
 */
@Injectable()
export class SemanticEmbedder {
  constructor(
    private readonly config: CacheConfig,
    private readonly models: ModelRegistryService,
    private readonly health: DeploymentHealthService,
  ) {}

  /** Vectors of different spaces are never compared. */
  get space(): string {
    const model = this.config.semanticEmbeddingModel;
    return model === '' ? 'terms' : `embedding:${model}`;
  }

  async embed(text: string, signal?: AbortSignal): Promise<Embedding> {
    const model = this.config.semanticEmbeddingModel;
    if (model === '') return { vector: termVector(text) };
    const now = Date.now();
    const able = this.models
      .find(model)
      ?.byCapability.get('embedding')
      ?.filter((deployment) => this.health.availability(deployment, now) === 'eligible');
    const deployment = able?.[Math.floor(Math.random() * able.length)];
    if (!deployment)
      return { failure: `model group "${model}" has no eligible embedding deployment` };
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), SEMANTIC_EMBEDDING_TIMEOUT_MS);
    const onGone = (): void => controller.abort();
    signal?.addEventListener('abort', onGone, { once: true });
    try {
      const call = deployment.adapter.embedding(
        { model: deployment.modelName, input: text, encoding_format: 'float' },
        { deployment, signal: controller.signal, requestId: `cache-${randomUUID()}` },
      );
      const values = embeddingOf(await untilAborted(call, controller.signal));
      return values
        ? { vector: denseVector(values) }
        : { failure: 'the answer holds no embedding' };
    } catch {
      return { failure: controller.signal.aborted ? 'timed out' : `${deployment.id} failed` };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onGone);
    }
  }
}

function embeddingOf(response: EmbeddingResponse): readonly number[] | undefined {
  const data: unknown = (response as { data?: unknown } | null)?.data;
  const first: unknown = Array.isArray(data) ? data[0] : undefined;
  const embedding = (first as { embedding?: unknown } | undefined)?.embedding;
  const numeric = Array.isArray(embedding) && embedding.every((v) => typeof v === 'number');
  return numeric && embedding.length > 0 ? embedding : undefined;
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return Promise.race([
    work,
    new Promise<never>((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    }),
  ]);
}
