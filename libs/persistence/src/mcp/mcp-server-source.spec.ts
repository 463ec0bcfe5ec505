import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source.factory';
import { revertLastMigration, runMigrationsLocked } from '../migration.runner';
import { createTestTarget, DATABASE_KINDS, type TestTarget } from '../__fixtures__/test-databases';
import { CredentialCipher } from '../credentials/credential-cipher';
import { mcpServerDefaults } from './mcp-server.defaults';
import { McpServerStore } from './mcp-server.store';
import type { McpServerInput } from './mcp-server.types';

function server(serverId: string, overrides: Partial<McpServerInput> = {}): McpServerInput {
  return {
    ...mcpServerDefaults(),
    serverId,
    serverName: serverId,
    url: `https://${serverId}.example/mcp`,
    createdBy: null,
    updatedBy: null,
    ...overrides,
  };
}

describe('McpServerStore source', () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;
    let store: McpServerStore;

    beforeAll(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
      store = new McpServerStore(dataSource, new CredentialCipher('source-spec-key'));
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await db?.cleanup();
    });

    it('stores a config server as such, its credential sealed like any other', async () => {
      const input = server('from-config', {
        source: 'config',
        authType: 'bearer_token',
        authValue: 'cfg-token',
      });
      await store.create(input);
      await expect(store.get('from-config')).resolves.toMatchObject({
        source: 'config',
        authValue: 'cfg-token',
      });
      const [row] = await dataSource.query<Array<{ source: string; auth_value: string }>>(
        `SELECT source, auth_value FROM mcp_servers WHERE server_id = 'from-config'`,
      );
      expect(row?.source).toBe('config');
      expect(CredentialCipher.isSealed(row!.auth_value)).toBe(true);
    });

    it('marks servers stored before the column as API servers, and reverts cleanly', async () => {
      await expect(revertLastMigration(dataSource)).resolves.toBe('McpServerSource1764400800000');
      const when = "'2025-11-28 10:00:00'";
      await dataSource.query(
        `INSERT INTO mcp_servers (server_id, server_name, transport, url, auth_type, created_at,
           updated_at) VALUES ('older', 'older', 'sse', 'https://o.example/sse', 'none', ${when},
           ${when})`,
      );
      await expect(runMigrationsLocked(dataSource)).resolves.toEqual([
        'McpServerSource1764400800000',
      ]);
      await expect(store.get('older')).resolves.toMatchObject({ source: 'api', transport: 'sse' });
      // down() drops the mark with the column: every server reads as an API server again.
      await expect(store.get('from-config')).resolves.toMatchObject({ source: 'api' });
    });
  });
});
