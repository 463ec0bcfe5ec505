import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { CoordinationBus, type BusMessage } from './coordination.bus';
import type { CoordinationKeys } from './coordination-keys';
import { CoordinationException } from './coordination.exception';
import { describeRedisError, type RedisConnections } from './redis-connections';

type Handler = (message: BusMessage) => void;

/** CoordinationBus over Redis pub/sub: every replica, the sender included, gets every message. */
export class RedisCoordinationBus extends CoordinationBus {
  readonly instanceId: string;
  private readonly logger = new Logger('CoordinationBus');
  private readonly handlers = new Map<string, Set<Handler>>();

  constructor(
    private readonly connections: RedisConnections,
    private readonly keys: CoordinationKeys,
    instanceId: string = randomUUID(),
  ) {
    super();
    this.instanceId = instanceId;
    connections.subscriber.on('message', (channel: string, raw: string) =>
      this.dispatch(channel, raw),
    );
  }

  async publish(topic: string, payload: Record<string, unknown>): Promise<void> {
    const { command } = this.connections;
    if (command.status !== 'ready') {
      throw CoordinationException.redisUnavailable(`cannot publish to ${topic}: not connected`);
    }
    const body = JSON.stringify({ origin: this.instanceId, payload, sentAt: Date.now() });
    try {
      await command.publish(this.keys.channel(topic), body);
    } catch (error) {
      throw CoordinationException.redisUnavailable(
        `cannot publish to ${topic}: ${describeRedisError(error)}`,
      );
    }
  }

  subscribe(topic: string, handler: Handler): () => void {
    let topicHandlers = this.handlers.get(topic);
    if (!topicHandlers) {
      topicHandlers = new Set();
      this.handlers.set(topic, topicHandlers);
      this.connections.subscriber
        .subscribe(this.keys.channel(topic))
        .catch((error: unknown) => this.logSubscriptionError('subscribe', topic, error));
    }
    topicHandlers.add(handler);
    return () => this.unsubscribe(topic, handler);
  }

  private unsubscribe(topic: string, handler: Handler): void {
    const topicHandlers = this.handlers.get(topic);
    if (!topicHandlers?.delete(handler) || topicHandlers.size > 0) return;
    this.handlers.delete(topic);
    this.connections.subscriber
      .unsubscribe(this.keys.channel(topic))
      .catch((error: unknown) => this.logSubscriptionError('unsubscribe', topic, error));
  }

  private dispatch(channel: string, raw: string): void {
    const topic = this.keys.topicOf(channel);
    const topicHandlers = topic === undefined ? undefined : this.handlers.get(topic);
    if (topic === undefined || !topicHandlers) return;
    const message = parseMessage(topic, raw);
    if (!message) {
      this.logger.warn(`ignored a malformed message on topic ${topic}`);
      return;
    }
    for (const handler of topicHandlers) {
      try {
        handler(message);
      } catch (error) {
        this.logger.error(`bus handler for ${topic} failed`, (error as Error).stack);
      }
    }
  }

  private logSubscriptionError(action: string, topic: string, error: unknown): void {
    this.logger.error(`redis ${action} ${topic} failed: ${describeRedisError(error)}`);
  }
}

function parseMessage(topic: string, raw: string): BusMessage | undefined {
  try {
    const parsed = JSON.parse(raw) as Partial<BusMessage>;
    if (typeof parsed.origin !== 'string' || typeof parsed.sentAt !== 'number') return undefined;
    if (typeof parsed.payload !== 'object' || parsed.payload === null) return undefined;
    return { topic, origin: parsed.origin, payload: parsed.payload, sentAt: parsed.sentAt };
  } catch {
    return undefined;
  }
}
