import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const CONFIG_DIR = join(__dirname, '..', '..', 'config');

// The suite runs the built gateway only: nothing here imports the app's sources (as
// test/support/gateway-harness.ts does), so it tests exactly what `npm run build` produced.
export const HA_MASTER_KEY = 'sk-ha-master-key-0123456789';
export const HA_ADMIN_KEY = 'admin-ha-key-0123456789';

/** A port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** A helper process started in its own process group, so one signal reaches all its children. */
export interface GroupProcess {
  readonly child: ChildProcess;
  output(): string;
  /** SIGKILLs the whole group and waits for the leader's exit; safe to call twice. */
  kill(): Promise<void>;
  /**
   * SIGTERM to the group (nginx's master reaps its workers), SIGKILL after 3 s; safe to call
   * twice.
   */
  stop(): Promise<void>;
}

function spawnGroup(command: string, args: string[], cwd: string): GroupProcess {
  const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is already gone
    }
  };
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const kill = async (): Promise<void> => {
    signalGroup('SIGKILL');
    if (running()) await exited;
  };
  return {
    child,
    output: () => out,
    kill,
    stop: async () => {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 3000);
      if (running()) await exited;
      clearTimeout(timer);
      // Whatever of the group outlived its leader.
      signalGroup('SIGKILL');
    },
  };
}

/** Polls `probe` every 25 ms until it resolves true; throws with `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 15_000,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await probe().catch(() => false)) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * A private redis-server for the suite (never the shared one): no persistence, so a restart loses
 * every key, as a Redis without persistence does in production.
 */
export async function startRedis(port: number, dir: string): Promise<GroupProcess> {
  const proc = spawnGroup(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    dir,
  );
  await waitUntil(`redis on ${port}`, async () => {
    if (proc.child.exitCode !== null) throw new Error(`redis-server exited:\n${proc.output()}`);
    return /Ready to accept connections/.test(proc.output());
  });
  return proc;
}

/**
 * nginx from config/nginx.local.conf and config/nginx-proxy.conf, copied under `dir` with this
 * run's ports: the same proxy rules the HA deployment uses, unprivileged and in the foreground.
 */
export async function startNginx(
  dir: string,
  listenPort: number,
  upstreamPorts: number[],
): Promise<GroupProcess> {
  const servers = upstreamPorts
    .map((port) => `        server 127.0.0.1:${port} max_fails=1 fail_timeout=5s;`)
    .join('\n');
  const local = readFileSync(join(CONFIG_DIR, 'nginx.local.conf'), 'utf8').replace(
    /(?:^\s*server 127\.0\.0\.1:\d+[^\n]*\n)+/m,
    `${servers}\n`,
  );
  const proxy = readFileSync(join(CONFIG_DIR, 'nginx-proxy.conf'), 'utf8').replace(
    /listen 8080;/,
    `listen 127.0.0.1:${listenPort};`,
  );
  if (!local.includes(servers) || !proxy.includes(`:${listenPort};`)) {
    throw new Error('config/nginx.local.conf or nginx-proxy.conf changed shape: update ha-stack');
  }
  writeFileSync(join(dir, 'nginx.conf'), local);
  writeFileSync(join(dir, 'nginx-proxy.conf'), proxy);
  const proc = spawnGroup(
    'nginx',
    ['-e', 'stderr', '-p', `${dir}/`, '-c', join(dir, 'nginx.conf')],
    dir,
  );
  await waitUntil(`nginx on ${listenPort}`, async () => {
    if (proc.child.exitCode !== null) throw new Error(`nginx exited:\n${proc.output()}`);
    const res = await fetch(`http://127.0.0.1:${listenPort}/_nginx/health`);
    return res.status === 200;
  });
  return proc;
}
