import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Real Postgres and Redis for tests. CI starts both (see .ci/run); a test that needs them fails,
 * never skips, when they are missing.
 */
export const TEST_POSTGRES_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates a fresh, uniquely named Postgres database; `drop()` removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `routeiq_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A Redis key prefix no other test run shares, so parallel specs never see each other's keys. */
export function uniqueRedisPrefix(): string {
  return `routeiq-test:${randomBytes(6).toString('hex')}:`;
}
