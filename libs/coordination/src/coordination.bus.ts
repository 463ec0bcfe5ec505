/** One message on the coordination bus. */
export interface BusMessage {
  readonly topic: string;
  /** `instanceId` of the replica that published it (a replica also receives its own messages). */
  readonly origin: string;
  readonly payload: Record<string, unknown>;
  /** Epoch milliseconds at the sender. */
  readonly sentAt: number;
}

/** Fan-out of small events (config reloads, cache invalidations) to every replica, itself included. */
export abstract class CoordinationBus {
  /** Unique per process: compare with `BusMessage.origin` to skip one's own messages. */
  abstract readonly instanceId: string;

  /** Delivers `payload` to every subscriber of `topic`; rejects when it cannot be sent. */
  abstract publish(topic: string, payload: Record<string, unknown>): Promise<void>;

  /** Registers a handler; returns a function that unsubscribes it. */
  abstract subscribe(topic: string, handler: (message: BusMessage) => void): () => void;

  /**
   * Registers a listener called each time the bus is back after losing its connection (or after
   * starting without one), once this replica's subscriptions are active again. Messages published
   * meanwhile were missed: the listener re-reads whatever the bus keeps fresh. Never called by a
   * bus that cannot lose messages (the in-memory one). Returns a function that unregisters it.
   */
  abstract onReconnect(listener: () => void): () => void;
}
