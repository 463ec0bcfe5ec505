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

  /** The topic of a channel built by `channel()`, or undefined for a foreign channel. */
  topicOf(channel: string): string | undefined {
    const head = `${this.prefix}bus:`;
    return channel.startsWith(head) ? channel.slice(head.length) : undefined;
  }
}
