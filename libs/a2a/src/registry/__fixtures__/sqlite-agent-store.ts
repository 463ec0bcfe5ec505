import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  A2aAgentStore,
  createDataSource,
  CredentialCipher,
  runMigrationsLocked,
  type A2aAgentInput,
} from '@routeiq/persistence';
import type { DataSource } from 'typeorm';

export interface SqliteAgentStore {
  readonly store: A2aAgentStore;
  readonly dataSource: DataSource;
  close(): Promise<void>;
}

/** A real `A2aAgentStore` on a migrated SQLite file in a temp directory. */
export async function sqliteAgentStore(): Promise<SqliteAgentStore> {
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-a2a-'));
  const dataSource = createDataSource({ kind: 'sqlite', path: join(dir, 'routeiq.sqlite') });
  await dataSource.initialize();
  await runMigrationsLocked(dataSource);
  return {
    store: new A2aAgentStore(dataSource, new CredentialCipher('fixture-key')),
    dataSource,
    close: async () => {
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function agentInput(agentId: string, overrides: Partial<A2aAgentInput> = {}): A2aAgentInput {
  return {
    agentId,
    name: agentId,
    description: null,
    url: 'https://agent.example.com/rpc',
    cardUrl: null,
    card: {},
    protocolVersion: '1.0',
    capabilities: [],
    accessGroups: [],
    keyRpmLimit: null,
    authType: 'none',
    authValue: null,
    apiKeyHeader: null,
    staticHeaders: {},
    timeoutMs: null,
    enabled: true,
    createdBy: 'admin-1',
    updatedBy: null,
    ...overrides,
  };
}
