import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { CoordinationBus, type BusMessage } from './coordination.bus';
import { CoordinationHealth } from './coordination.health';

/** Single-node CoordinationBus: same semantics as Redis (async delivery, own messages included). */
export class InMemoryCoordinationBus extends CoordinationBus {
  readonly instanceId: string = randomUUID();
  private readonly logger = new Logger('CoordinationBus');
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(topic: string, payload: Record<string, unknown>): Promise<void> {
    // A JSON copy delivered after publish returns: what subscribers get from Redis too.
    const copy = JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
    const message: BusMessage = {
      topic,
      origin: this.instanceId,
      payload: copy,
      sentAt: Date.now(),
    };
    setImmediate(() => this.emitter.emit(topic, message));
  }

  subscribe(topic: string, handler: (message: BusMessage) => void): () => void {
    const listener = (message: BusMessage) => {
      try {
        handler(message);
      } catch (error) {
        this.logger.error(`bus handler for ${topic} failed`, (error as Error).stack);
      }
    };
    this.emitter.on(topic, listener);
    return () => this.emitter.off(topic, listener);
  }

  /** In-process delivery cannot miss a message: never fires. */
  onReconnect(_listener: () => void): () => void {
    return () => undefined;
  }
}

/** Health of the in-memory backend: always up. */
export class InMemoryCoordinationHealth extends CoordinationHealth {
  readonly enabled = false;

  describe(): string {
    return 'in-memory (single node)';
  }

  async ping(_timeoutMs: number): Promise<void> {}
}
