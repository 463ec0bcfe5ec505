import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway.bootstrap';
import {
  createTestDatabase,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
  type TestDatabase,
} from './services';

export const TEST_MASTER_KEY = 'sk-test-master-key-0123456789';
export const TEST_ADMIN_KEY = 'admin-test-key-0123456789';

export type TestStack = 'postgres' | 'sqlite';

/** Which stack this e2e project runs on (set by the jest project's setup file). */
export function testStack(): TestStack {
  return process.env.ROUTEIQ_TEST_STACK === 'postgres' ? 'postgres' : 'sqlite';
}

export interface TestGatewayOptions {
  /** The YAML config file's content. */
  readonly yaml: string;
  /** Extra environment; `undefined` values unset a variable. */
  readonly env?: Record<string, string | undefined>;
}

export interface TestGateway {
  readonly gateway: RunningGateway;
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string;
  readonly configPath: string;
  readonly dataDir: string;
  readonly database?: TestDatabase;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The environment a gateway gets on this e2e project's stack. */
export async function stackEnvironment(): Promise<{
  env: Record<string, string | undefined>;
  database?: TestDatabase;
}> {
  if (testStack() === 'sqlite') {
    return { env: { DATABASE_URL: undefined, REDIS_URL: undefined, REDIS_HOST: undefined } };
  }
  const database = await createTestDatabase();
  return {
    database,
    env: {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: uniqueRedisPrefix(),
    },
  };
}

/**
 * Boots the real gateway in this process (the production module graph, filter, guard and
 * middleware) on a free port, against this project's stack.
 */
export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-e2e-'));
  const configPath = join(dir, 'config.yaml');
  const dataDir = join(dir, 'data');
  writeFileSync(configPath, options.yaml);
  const stack = await stackEnvironment();
  const saved = { ...process.env };
  applyEnv({
    LITELLM_MASTER_KEY: TEST_MASTER_KEY,
    ADMIN_API_KEYS: TEST_ADMIN_KEY,
    ROUTEIQ_DATA_DIR: dataDir,
    LITELLM_LOG: process.env.TEST_LOG_LEVEL ?? 'fatal',
    ...stack.env,
    ...options.env,
  });
  try {
    const gateway = await startOnFreePort(configPath);
    return {
      gateway,
      url: gateway.url,
      configPath,
      dataDir,
      database: stack.database,
      close: async () => {
        // As in production: drain, close every connection, then the app. No balancer sits in
        // front, so idle keep-alive connections need not be left open for one.
        await gateway.shutdown('test finished', 0);
        process.env = saved;
        await stack.database?.drop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    process.env = saved;
    await stack.database?.drop();
    throw error;
  }
}

/**
 * The gateway on a free port, or on another if that one was taken before the gateway listened: a
 * port freePort gave back can become the local port of any connection meanwhile (another worker's,
 * or this gateway's own Redis client retrying a dead address).
 */
async function startOnFreePort(config: string): Promise<RunningGateway> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startGateway({ config, port: await freePort(), host: '127.0.0.1' });
    } catch (error) {
      if (attempt >= 3 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
}

function applyEnv(env: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

/** A config with one model group `gpt-4o-mini` pointing at an OpenAI-shaped stub. */
export function stubConfig(apiBase: string, extra = ''): string {
  return [
    'model_list:',
    '  - model_name: gpt-4o-mini',
    '    litellm_params:',
    '      model: openai/gpt-4o-mini',
    `      api_base: ${apiBase}`,
    '      api_key: sk-upstream-secret-key',
    '    model_info:',
    '      id: stub-1',
    '      input_cost_per_token: 0.000001',
    '      output_cost_per_token: 0.000002',
    '  - model_name: demo',
    '    litellm_params:',
    '      model: mock/routeiq-demo',
    extra,
  ].join('\n');
}
