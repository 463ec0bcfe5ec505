/** What the response cache needs to know of a request. */
export interface CacheLookupInput {
  readonly endpoint: 'chat' | 'completion' | 'embedding' | 'messages' | 'responses';
  /** The body as it goes to the provider (after plugins changed it), routing params removed. */
  readonly request: Readonly<Record<string, unknown>>;
  readonly stream: boolean;
  readonly teamId: string | undefined;
  readonly keyId: string | undefined;
  /**
   * The caller's own guardrail selection (key or team `metadata.guardrails`), when it has one:
   * answers checked by one set of guardrails are never served to a caller checked by another.
   */
  readonly guardrails?: readonly string[];
  /** The client's `Cache-Control` header (`no-cache` / `no-store` bypass the cache). */
  readonly cacheControl: string | undefined;
}

/** A cacheable request: its key computed once, carried from lookup to store. */
export interface CachePlan {
  readonly key: string;
  readonly input: CacheLookupInput;
}

/** A stored answer, returned in the shape the request asked for. */
export interface CacheHit {
  readonly tier: 'memory' | 'redis' | 'semantic';
  readonly ageSeconds: number;
  /** The deployment whose answer was stored ('' for entries written before it was recorded). */
  readonly deploymentId: string;
  /** For a unary request: the answer as first returned (usage included). */
  readonly result?: object;
  /** For a streaming request: the chunks to replay (OpenAI chunk shape), usage chunk last. */
  readonly chunks?: readonly object[];
}

/** Where the answer that is being stored came from. */
export interface CacheStoreMeta {
  readonly modelGroup: string;
  readonly deploymentId: string;
}

/**
 * The exact + semantic response cache as the request path uses it. `plan` is synchronous and
 * cheap (undefined when the cache is off or the request must not be cached); `store*` never
 * block the request (writes happen off the hot path).
 */
export abstract class ResponseCache {
  abstract plan(input: CacheLookupInput): CachePlan | undefined;
  abstract lookup(plan: CachePlan, signal?: AbortSignal): Promise<CacheHit | undefined>;
  abstract storeResult(plan: CachePlan, result: object, meta: CacheStoreMeta): void;
  abstract storeStream(plan: CachePlan, chunks: readonly object[], meta: CacheStoreMeta): void;
}
