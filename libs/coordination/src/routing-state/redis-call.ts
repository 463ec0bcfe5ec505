import { createHash } from 'node:crypto';
import { CoordinationException } from '../coordination.exception';
import { describeRedisError, type RedisConnections } from '../redis-connections';

type Command = RedisConnections['command'];

/** A Lua script and its SHA1, run with EVALSHA (EVAL when Redis's script cache lacks it). */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** The command connection, or a CoordinationException when it is not ready (no offline queue). */
export function readyCommand(connections: RedisConnections, action: string): Command {
  const { command } = connections;
  if (command.status !== 'ready') {
    throw CoordinationException.redisUnavailable(
      `cannot ${action}: not connected (${command.status})`,
    );
  }
  return command;
}

export function runScript(
  command: Command,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  return command.evalsha(script.sha, keys.length, ...keys, ...args).catch((error: unknown) => {
    if (!describeRedisError(error).startsWith('NOSCRIPT')) throw error;
    return command.eval(script.source, keys.length, ...keys, ...args);
  });
}

/**
 * `call`, rejecting with a CoordinationException on error or after `timeoutMs` (a hung Redis must
 * not hang its caller). A call that timed out may still be applied.
 */
export async function bounded<T>(call: Promise<T>, action: string, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        CoordinationException.redisUnavailable(`cannot ${action}: timed out after ${timeoutMs} ms`),
      );
    }, timeoutMs);
  });
  const guarded = call.catch((error: unknown) => {
    if (error instanceof CoordinationException) throw error;
    throw CoordinationException.redisUnavailable(
      `cannot ${action}: ${describeRedisError(error)}`,
      error,
    );
  });
  try {
    return await Promise.race([guarded, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
