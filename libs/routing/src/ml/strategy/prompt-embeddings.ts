import type { ResolvedDeployment } from '@routeiq/providers';
import type { PrepareOptions } from '../../strategies/routing-strategy';
import type { RemoteEmbeddingFeaturizer } from '../featurizer/remote-embedding.featurizer';
import type { PromptFeatures } from '../ml.types';
import { EmbeddingCache, promptKey } from './embedding-cache';
import { numericArg } from './learned-routing.args';
import { embedPrompt } from './prompt-embedding.call';

type Args = Readonly<Record<string, unknown>>;

/** Default `routing_strategy_args.embedding_timeout_ms`. */
export const DEFAULT_EMBEDDING_TIMEOUT_MS = 200;
/** Default `routing_strategy_args.embedding_cache_size` (prompts). */
export const DEFAULT_EMBEDDING_CACHE_SIZE = 10_000;

/** The eligible deployments of a model group able to embed, or undefined when there is none. */
export type EmbeddingDeployments = (group: string) => readonly ResolvedDeployment[] | undefined;

/** A request's prepared embedding, or why it has none. */
type Prepared = Float32Array | { readonly reason: string };

/**
 * Prompt embeddings for routers with a remote-embedding featurizer. `prepare` embeds a prompt
 * before routing — through one of the gateway's own embedding deployments, unless the LRU cache
 * (by sha256 of the prompt) has it — and keeps the result for the request under a key object (its
 * routing context); `featuresFor` hands it to `pick` synchronously. Concurrent requests with the
 * same prompt share one call. Holds no prompt text.
 */
export class PromptEmbeddings {
  private readonly prepared = new WeakMap<object, Prepared>();
  private readonly inFlight = new Map<string, Promise<Prepared>>();
  private cache: EmbeddingCache | undefined;
  /** The embedding space the cache holds (model and dimensions): another one empties it. */
  private cacheSpace = '';

  constructor(
    private readonly deploymentsOf: EmbeddingDeployments,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Embeds `text` for the request keyed by `slot`. Undefined when the embedding is ready at once
   * (cached); otherwise a promise that resolves (never rejects) once it is ready or has failed.
   */
  prepare(
    slot: object,
    text: string,
    featurizer: RemoteEmbeddingFeaturizer,
    args: Args,
    options: PrepareOptions,
  ): Promise<void> | undefined {
    const key = promptKey(text);
    const cache = this.cacheFor(featurizer, args);
    const hit = cache.get(key);
    if (hit !== undefined) {
      this.prepared.set(slot, hit);
      return undefined;
    }
    const flightKey = `${this.cacheSpace}\n${key}`;
    let pending = this.inFlight.get(flightKey);
    if (pending === undefined) {
      pending = this.embed(text, featurizer, args, options).then((result) => {
        this.inFlight.delete(flightKey);
        if (result instanceof Float32Array) cache.set(key, result);
        return result;
      });
      this.inFlight.set(flightKey, pending);
    }
    return pending.then((result) => void this.prepared.set(slot, result));
  }

  /**
   * The prompt's features for the request keyed by `slot`: its prepared embedding, else a cached
   * one (a request routed without preparing, such as a dry run).
   * @throws Error saying why there is no embedding (never with the prompt in it).
   */
  featuresFor(slot: object, text: string, featurizer: RemoteEmbeddingFeaturizer): PromptFeatures {
    const prepared = this.prepared.get(slot);
    if (prepared !== undefined && !(prepared instanceof Float32Array)) {
      throw new Error(prepared.reason);
    }
    const vector =
      prepared ??
      (this.cacheSpace === spaceOf(featurizer) ? this.cache?.get(promptKey(text)) : undefined);
    if (vector === undefined) throw new Error('the prompt was not embedded before routing');
    // A router swapped between preparing and picking may want another embedding.
    if (vector.length !== featurizer.denseSize) {
      throw new Error(
        `the prompt's embedding has ${vector.length} dimensions, the router wants ${featurizer.denseSize}`,
      );
    }
    return featurizer.featuresOf(vector);
  }

  private embed(
    text: string,
    featurizer: RemoteEmbeddingFeaturizer,
    args: Args,
    options: PrepareOptions,
  ): Promise<Prepared> {
    const deployments = this.deploymentsOf(featurizer.model);
    if (deployments === undefined || deployments.length === 0) {
      const reason = `model group "${featurizer.model}" has no eligible embedding deployment`;
      return Promise.resolve({ reason });
    }
    const at = Math.min(Math.floor(this.random() * deployments.length), deployments.length - 1);
    return embedPrompt(text, {
      deployment: deployments[at]!,
      featurizer,
      timeoutMs: embeddingTimeoutOf(args),
      requestId: options.requestId,
      ...(options.signal && { signal: options.signal }),
    }).then((result) => (typeof result === 'string' ? { reason: result } : result));
  }

  /** The cache for this embedding space and `embedding_cache_size`, new when either changed. */
  private cacheFor(featurizer: RemoteEmbeddingFeaturizer, args: Args): EmbeddingCache {
    const space = spaceOf(featurizer);
    const capacity = embeddingCacheSizeOf(args);
    if (this.cache === undefined || this.cacheSpace !== space || this.cache.capacity !== capacity) {
      this.cache = new EmbeddingCache(capacity);
      this.cacheSpace = space;
    }
    return this.cache;
  }
}

function spaceOf(featurizer: RemoteEmbeddingFeaturizer): string {
  const { model, dimensions, normalize } = featurizer.options;
  return `${model}\n${dimensions}\n${normalize}`;
}

/** `routing_strategy_args.embedding_timeout_ms`, else the default. */
export function embeddingTimeoutOf(args: Args): number {
  const value = numericArg(args.embedding_timeout_ms);
  return value !== undefined && value > 0 ? value : DEFAULT_EMBEDDING_TIMEOUT_MS;
}

/** `routing_strategy_args.embedding_cache_size`, else the default. */
export function embeddingCacheSizeOf(args: Args): number {
  const value = numericArg(args.embedding_cache_size);
  return value !== undefined && Number.isInteger(value) && value >= 0
    ? value
    : DEFAULT_EMBEDDING_CACHE_SIZE;
}
