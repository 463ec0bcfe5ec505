import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const GATEWAY_MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'gateway', 'main.js');

export interface GatewayProcess {
  readonly child: ChildProcess;
  output(): string;
  errors(): string;
  /** Resolves when stdout+stderr match, rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Runs the built gateway (`npm run build` output) as a real process. */
export function spawnGateway(
  args: string[],
  env: Record<string, string | undefined>,
): GatewayProcess {
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...env })) {
    if (value !== undefined) childEnv[key] = value;
  }
  const child = spawn(process.execPath, [GATEWAY_MAIN, ...args], { env: childEnv, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    output: () => stdout,
    errors: () => stderr,
    exited,
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const match = (stdout + stderr).match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          }
          return Boolean(match);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output:\n${stdout}\n${stderr}`));
        }, timeoutMs);
        const onExit = (code: number | null): void => {
          if (check()) return;
          cleanup();
          reject(
            new Error(`gateway exited (${code}) before ${pattern}; output:\n${stdout}\n${stderr}`),
          );
        };
        const onData = (): void => void check();
        const cleanup = (): void => {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          child.stderr.off('data', onData);
          child.off('exit', onExit);
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', onExit);
        check();
      }),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

const PORT_ATTEMPTS = 3;

/**
 * Spawns the built gateway on a free port and waits until it listens. A port found free can be
 * taken before the gateway binds it (another test's process, an outgoing connection's ephemeral
 * port): on EADDRINUSE it starts again on another port.
 */
export async function spawnListeningGateway(
  args: string[],
  env: Record<string, string | undefined>,
  freePort: () => Promise<number>,
  timeoutMs = 30_000,
): Promise<{ proc: GatewayProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const proc = spawnGateway([...args, '--port', String(port)], env);
    try {
      await proc.waitFor(/listening on/, timeoutMs);
      return { proc, port };
    } catch (error) {
      await proc.stop();
      const taken = /EADDRINUSE/.test(proc.output() + proc.errors());
      if (!taken || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}
