import { Logger } from '@nestjs/common';
import { scrubSecrets } from '@routeiq/common';
import { Redis, type RedisOptions } from 'ioredis';

const CONNECT_TIMEOUT_MS = 5000;
const MAX_RECONNECT_DELAY_MS = 5000;
const QUIT_TIMEOUT_MS = 1000;

/** Reconnect delay: grows 200 ms per attempt, capped at 5 s; never gives up. */
export function reconnectDelay(attempt: number): number {
  return Math.min(attempt * 200, MAX_RECONNECT_DELAY_MS);
}

/** A log-safe reason for a Redis error. */
export function describeRedisError(error: unknown): string {
  const message =
    typeof error === 'object' && error !== null && 'message' in error
      ? String(error.message)
      : 'unknown error';
  return scrubSecrets(message)
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[url]')
    .slice(0, 200);
}

/** Connection options. The command connection fails fast when Redis is down (no offline queue). */
export function redisConnectionOptions(role: 'command' | 'subscriber'): RedisOptions {
  return {
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: reconnectDelay,
    ...(role === 'command'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
      : // SUBSCRIBE issued before the connection is up waits for it; ioredis resubscribes after
        // reconnects.
        // No ready check: its INFO can race a SUBSCRIBE issued while connecting, and the refused
        // check reconnects the connection with the subscription lost.
        {
          enableOfflineQueue: true,
          maxRetriesPerRequest: null,
          autoResubscribe: true,
          enableReadyCheck: false,
        }),
  };
}

/**
 * The two Redis connections of a replica: commands, and a dedicated one for SUBSCRIBE (a
 * subscribed connection cannot run other commands). Connecting never blocks start-up.
 */
export class RedisConnections {
  readonly command: Redis;
  readonly subscriber: Redis;
  private readonly logger = new Logger('Coordination');

  constructor(url: string) {
    this.command = this.open(url, 'command');
    this.subscriber = this.open(url, 'subscriber');
  }

  /** Resolves true once the command connection is ready, false after `timeoutMs`. */
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    if (this.command.status === 'ready') return true;
    return new Promise<boolean>((resolve) => {
      const done = (ready: boolean) => {
        clearTimeout(timer);
        this.command.off('ready', onReady);
        resolve(ready);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.command.once('ready', onReady);
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.command, this.subscriber].map((connection) => shutDown(connection)));
  }

  private open(url: string, role: 'command' | 'subscriber'): Redis {
    const connection = new Redis(url, redisConnectionOptions(role));
    // Log each outage once, not on every reconnect attempt.
    let healthy = true;
    connection.on('error', (error: unknown) => {
      if (!healthy) return;
      healthy = false;
      this.logger.error(`redis ${role} connection error: ${describeRedisError(error)}`);
    });
    connection.on('ready', () => {
      if (!healthy) this.logger.log(`redis ${role} connection restored`);
      healthy = true;
    });
    return connection;
  }
}

async function shutDown(connection: Redis): Promise<void> {
  if (connection.status === 'ready') {
    const quit = connection.quit().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(resolve, QUIT_TIMEOUT_MS);
    });
    // Cleared once QUIT answers: a pending timer would keep the process (and jest) alive.
    await Promise.race([quit, timeout]).finally(() => clearTimeout(timer));
  }
  if (connection.status === 'end') return;
  // disconnect() stops reconnecting, and arms ioredis' 2 s timer to destroy the socket, cleared
  // when the socket closes. A connection waiting to reconnect has a socket that closed already:
  // its 'close' is replayed for ioredis' listener, or the timer would keep the process alive.
  const socket: Redis['stream'] | undefined = connection.stream;
  const closedAlready = socket?.destroyed === true;
  connection.disconnect();
  if (closedAlready) socket.emit('close', false);
}
