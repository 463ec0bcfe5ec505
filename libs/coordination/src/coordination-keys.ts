/**
 * The one place every Redis key and pub/sub channel of the product is built, all under one prefix
 * (`REDIS_KEY_PREFIX`, default `routeiq:`). Add a method here rather than concatenating elsewhere.
 */
export class CoordinationKeys {
  constructor(readonly prefix: string) {}

  /** Pub/sub channel of a bus topic, e.g. `routeiq:bus:config.reloaded`. */
  channel(topic: string): string {
    return `${this.prefix}bus:${topic}`;
  }

  /** Quota counter `name` (built by the quota service), e.g. `routeiq:quota:team:t1:requests:minute:0`. */
  quotaCounter(name: string): string {
    return `${this.prefix}quota:${name}`;
  }

  /** Sorted set of a deployment's recent failure times, e.g. `routeiq:routing:failures:gpt-4o-1`. */
  deploymentFailures(deploymentId: string): string {
    return `${this.prefix}routing:failures:${deploymentId}`;
  }

  /** Hash of every deployment's breaker and cooldown state (field = deployment id). */
  deploymentHealth(): string {
    return `${this.prefix}routing:health`;
  }

  /** Hash of the deployments' request and token counts of one epoch minute. */
  deploymentUsage(epochMinute: number): string {
    return `${this.prefix}routing:usage:${epochMinute}`;
  }

  /** A small named document shared by the replicas, e.g. `routeiq:state:strategy-registry`. */
  sharedState(name: string): string {
    return `${this.prefix}state:${name}`;
  }

  /** A value with a time to live (`ExpiringStore`), e.g. `routeiq:ttl:mcp-session:3f9a…`. */
  expiring(namespace: string, id: string): string {
    return `${this.prefix}ttl:${namespace}:${id}`;
  }

  /** The lease of a leader election, e.g. `routeiq:leader:config-sync:lease` (`<instance>:<token>`). */
  leaderLease(election: string): string {
    return `${this.prefix}leader:${election}:lease`;
  }

  /** The fencing-token counter of a leader election (INCR at every acquisition, never reset). */
  leaderFence(election: string): string {
    return `${this.prefix}leader:${election}:fence`;
  }

  /** When the current leader of an election acquired its lease (epoch milliseconds). */
  leaderSince(election: string): string {
    return `${this.prefix}leader:${election}:since`;
  }

  /** The topic of a channel built by `channel()`, or undefined for a foreign channel. */
  topicOf(channel: string): string | undefined {
    const head = `${this.prefix}bus:`;
    return channel.startsWith(head) ? channel.slice(head.length) : undefined;
  }

  // --- Response cache (@routeiq/cache, issue #11): entries are hashes, tokens are hex. ---

  /** A response-cache entry, e.g. `routeiq:cache:<scope>:<model>:<hash>` (a Redis hash). */
  responseCacheEntry(scope: string, model: string, hash: string): string {
    return `${this.prefix}cache:${scope}:${model}:${hash}`;
  }

  /** SCAN MATCH pattern of the response-cache entries of a scope and/or model (else all). */
  responseCachePattern(scope?: string, model?: string): string {
    const head = this.patternPrefix();
    return `${head}cache:${scope ?? '*'}:${model ?? '*'}:*`;
  }

  /**
   * The semantic index of one space (tenant scope, model, conversation prefix), e.g.
   * `routeiq:cache-semantic:<scope>:<model>:<space>:entries` (a hash: entry key → encoded entry)
   * and `…:order` (a sorted set: entry key by the time it was added).
   */
  semanticIndex(scope: string, model: string, space: string): { entries: string; order: string } {
    const head = `${this.prefix}cache-semantic:${scope}:${model}:${space}`;
    return { entries: `${head}:entries`, order: `${head}:order` };
  }

  /** SCAN MATCH pattern of the semantic index keys of a scope and/or model (else all). */
  semanticIndexPattern(scope?: string, model?: string): string {
    const head = this.patternPrefix();
    return `${head}cache-semantic:${scope ?? '*'}:${model ?? '*'}:*`;
  }

  /** The scope, model and hash tokens of a key built by `responseCacheEntry`. */
  responseCacheIdOf(key: string): { scope: string; model: string; hash: string } | undefined {
    const head = `${this.prefix}cache:`;
    if (!key.startsWith(head)) return undefined;
    const [scope, model, hash, ...rest] = key.slice(head.length).split(':');
    if (!scope || !model || !hash || rest.length > 0) return undefined;
    return { scope, model, hash };
  }

  /** The prefix with SCAN glob characters escaped. */
  private patternPrefix(): string {
    return this.prefix.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
  }
}
