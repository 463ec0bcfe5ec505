import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startGateway } from '../apps/gateway/src/gateway.bootstrap';
import {
  TEST_ADMIN_KEY,
  TEST_MASTER_KEY,
  stackEnvironment,
  testStack,
} from './support/gateway-harness';
import { TEST_POSTGRES_URL, type TestDatabase } from './support/services';

// A gateway that cannot start in-process (here: its port is taken) rejects, and closes what it
// had opened: a half-started app left with database connections and timers would keep the
// calling process alive.

async function occupiedPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

async function connectionsTo(database: TestDatabase): Promise<number> {
  const name = new URL(database.url).pathname.slice(1);
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1',
      [name],
    );
    return Number(result.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/**
 * Connections to the database once closed ones are gone: a backend leaves `pg_stat_activity` a
 * moment after its client closed the socket, so a count right after the rejection can still see
 * one. Connections left open stay, and the count after the deadline shows them.
 */
async function settledConnectionsTo(database: TestDatabase, deadlineMs = 3000): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const open = await connectionsTo(database);
    if (open === 0 || Date.now() >= deadline) return open;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe(`start-up refusal (${testStack()})`, () => {
  let dir: string;
  let blocker: { server: Server; port: number };
  let database: TestDatabase | undefined;
  const saved = { ...process.env };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-boot-'));
    writeFileSync(
      join(dir, 'config.yaml'),
      'model_list:\n  - model_name: demo\n    litellm_params:\n      model: mock/x\n',
    );
    blocker = await occupiedPort();
    const stack = await stackEnvironment();
    database = stack.database;
    for (const [key, value] of Object.entries({
      LITELLM_MASTER_KEY: TEST_MASTER_KEY,
      ADMIN_API_KEYS: TEST_ADMIN_KEY,
      ROUTEIQ_DATA_DIR: join(dir, 'data'),
      LITELLM_LOG: 'fatal',
      ...stack.env,
    })) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  afterEach(async () => {
    process.env = { ...saved };
    await new Promise((resolve) => blocker.server.close(resolve));
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects with the listen error when the port is taken', async () => {
    await expect(
      startGateway({ config: join(dir, 'config.yaml'), port: blocker.port, host: '127.0.0.1' }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  if (testStack() === 'postgres') {
    it('closes its database connections before rejecting', async () => {
      await expect(
        startGateway({ config: join(dir, 'config.yaml'), port: blocker.port, host: '127.0.0.1' }),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' });
      expect(await settledConnectionsTo(database as TestDatabase)).toBe(0);
    });
  }
});
