import { CoordinationHealth } from './coordination.health';
import { CoordinationException } from './coordination.exception';
import { describeRedisError, type RedisConnections } from './redis-connections';

/** Pings Redis on the command connection. */
export class RedisCoordinationHealth extends CoordinationHealth {
  readonly enabled = true;

  constructor(
    private readonly connections: RedisConnections,
    private readonly description: string,
  ) {
    super();
  }

  describe(): string {
    return this.description;
  }

  async ping(timeoutMs: number): Promise<void> {
    const { command } = this.connections;
    if (command.status !== 'ready') {
      throw CoordinationException.redisUnavailable(`not connected (${command.status})`);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(CoordinationException.redisUnavailable(`ping timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const ping = command.ping().catch((error: unknown) => {
      throw CoordinationException.redisUnavailable(`ping failed: ${describeRedisError(error)}`);
    });
    try {
      await Promise.race([ping, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
