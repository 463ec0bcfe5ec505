import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { CoordinationBus, type BusMessage } from './coordination.bus';
import type { CoordinationKeys } from './coordination-keys';
import { CoordinationException } from './coordination.exception';
import { describeRedisError, type RedisConnections } from './redis-connections';

type Handler = (message: BusMessage) => void;

/** How long catch-up waits for the command connection (listeners re-read through it too). */
const COMMAND_WAIT_MS = 5000;

/** CoordinationBus over Redis pub/sub: every replica, the sender included, gets every message. */
export class RedisCoordinationBus extends CoordinationBus {
  readonly instanceId: string;
  private readonly logger = new Logger('CoordinationBus');
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly reconnectListeners = new Set<() => void>();

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
    this.watchReconnects();
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

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /**
   * A subscriber connection that closed (an outage, or Redis not up yet at start) and is ready
   * again was deaf meanwhile: listeners catch up. The very first connection needs no catch-up.
   */
  private watchReconnects(): void {
    const { subscriber } = this.connections;
    let deaf = false;
    subscriber.on('close', () => {
      deaf = true;
    });
    subscriber.on('ready', () => {
      if (!deaf) return;
      deaf = false;
      void this.catchUp();
    });
  }

  private async catchUp(): Promise<void> {
    const channels = [...this.handlers.keys()].map((topic) => this.keys.channel(topic));
    try {
      // ioredis resubscribes on its own; awaiting our own SUBSCRIBE (idempotent) makes sure the
      // subscriptions are active before listeners re-read, so nothing published after is missed.
      if (channels.length > 0) await this.connections.subscriber.subscribe(...channels);
    } catch (error) {
      // Lost again: the next 'ready' catches up.
      this.logger.warn(`bus catch-up deferred: ${describeRedisError(error)}`);
      return;
    }
    await this.connections.waitUntilReady(COMMAND_WAIT_MS);
    if (this.reconnectListeners.size === 0) return;
    this.logger.log(`bus reconnected: ${this.reconnectListeners.size} listener(s) catching up`);
    for (const listener of this.reconnectListeners) {
      try {
        listener();
      } catch (error) {
        this.logger.error('a bus reconnect listener failed', (error as Error).stack);
      }
    }
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
