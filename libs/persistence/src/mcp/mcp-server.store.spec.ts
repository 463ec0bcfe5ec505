import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source.factory';
import { revertLastMigration, runMigrationsLocked } from '../migration.runner';
import { TeamStore } from '../keys/team.store';
import { VirtualKeyStore } from '../keys/virtual-key.store';
import { createTestTarget, DATABASE_KINDS, type TestTarget } from '../__fixtures__/test-databases';
import { CredentialCipher, CredentialCipherError } from '../credentials/credential-cipher';
import { McpServerStore } from './mcp-server.store';
import { type McpServerInput, NO_MCP_RESTRICTIONS } from './mcp-server.types';

function server(serverId: string, overrides: Partial<McpServerInput> = {}): McpServerInput {
  return {
    serverId,
    serverName: `Server ${serverId}`,
    description: 'Tickets and "quotes" — ünïcode',
    transport: 'streamable_http',
    url: `http://127.0.0.1:9000/${serverId}/mcp`,
    command: null,
    args: [],
    env: {},
    authType: 'bearer_token',
    authValue: 'secret-token',
    apiKeyHeader: null,
    staticHeaders: { 'X-Tenant': 'acme', 'X-Trace': 'a"b' },
    accessGroups: ['support', 'ops'],
    allowedTools: ['search', 'create_*'],
    timeoutMs: 15_000,
    enabled: true,
    source: 'api',
    createdBy: 'vk-0123456789ab',
    updatedBy: null,
    ...overrides,
  };
}

describe(McpServerStore.name, () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;
    let store: McpServerStore;

    beforeAll(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
      store = new McpServerStore(dataSource, new CredentialCipher('store-spec-key'));
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await db?.cleanup();
    });

    it('creates a server and reads it back with every field and JSON column intact', async () => {
      const input = server('tickets');
      const created = await store.create(input);
      expect(created).toEqual({
        ...input,
        createdAt: expect.any(Date),
        updatedAt: expect.any(Date),
      });
      const found = await store.get('tickets');
      expect(found).toEqual(created);
      expect(found?.staticHeaders).toEqual({ 'X-Tenant': 'acme', 'X-Trace': 'a"b' });
      expect(found?.enabled).toBe(true);
      expect(found?.createdAt.getTime()).toBe(created?.createdAt.getTime());
    });

    it('keeps the credential and header values sealed in the table, never in plain text', async () => {
      await store.create(server('sealed'));
      await store.update('sealed', { authValue: 'rotated-token' }, null);
      await store.create(server('sealed-stdio', { env: { GITHUB_TOKEN: 'ghp-env-secret' } }));
      const rows = await dataSource.query<
        Array<{ auth_value: string; static_headers: unknown; env: unknown }>
      >(
        `SELECT server_id, auth_value, static_headers, env FROM mcp_servers
          WHERE server_id IN ('sealed', 'sealed-stdio') ORDER BY server_id`,
      );
      const [row] = rows;
      const text = JSON.stringify(rows);
      for (const secret of ['secret-token', 'rotated-token', 'acme', 'ghp-env-secret'])
        expect(text).not.toContain(secret);
      await expect(store.get('sealed-stdio')).resolves.toMatchObject({
        env: { GITHUB_TOKEN: 'ghp-env-secret' },
      });
      expect(CredentialCipher.isSealed(row!.auth_value)).toBe(true);
      await expect(store.get('sealed')).resolves.toMatchObject({
        authValue: 'rotated-token',
        staticHeaders: { 'X-Tenant': 'acme', 'X-Trace': 'a"b' },
      });
      // Another key does not open them: an error, never a wrong credential sent upstream.
      const otherKey = new McpServerStore(dataSource, new CredentialCipher('another-key'));
      await expect(otherKey.get('sealed')).rejects.toThrow(CredentialCipherError);
    });

    it('reads a credential stored in plain text before encryption, and seals it when written', async () => {
      await store.create(server('legacy'));
      await dataSource.query(
        `UPDATE mcp_servers SET auth_value = 'plain-old-token' WHERE server_id = 'legacy'`,
      );
      await expect(store.get('legacy')).resolves.toMatchObject({ authValue: 'plain-old-token' });
      await store.update('legacy', { authValue: 'plain-old-token' }, null);
      const [row] = await dataSource.query<Array<{ auth_value: string }>>(
        `SELECT auth_value FROM mcp_servers WHERE server_id = 'legacy'`,
      );
      expect(CredentialCipher.isSealed(row!.auth_value)).toBe(true);
    });

    it('stores a stdio server with its command, arguments and environment', async () => {
      const input = server('local-fs', {
        transport: 'stdio',
        url: null,
        command: '/usr/bin/node',
        args: ['server.js', '--root', '/tmp/a b'],
        env: { ROOT: '/srv', EMPTY: '' },
        authType: 'none',
        authValue: null,
        staticHeaders: {},
        accessGroups: [],
        allowedTools: [],
        timeoutMs: null,
        enabled: false,
        description: null,
      });
      await store.create(input);
      await expect(store.get('local-fs')).resolves.toEqual({
        ...input,
        createdAt: expect.any(Date),
        updatedAt: expect.any(Date),
      });
    });

    it('refuses a duplicate id with null and leaves the first server unchanged', async () => {
      await store.create(server('dup'));
      await expect(store.create(server('dup', { serverName: 'Other' }))).resolves.toBeNull();
      const results = await Promise.all([
        store.create(server('race', { serverName: 'A' })),
        store.create(server('race', { serverName: 'B' })),
      ]);
      expect(results.filter((result) => result !== null)).toHaveLength(1);
      await expect(store.get('dup')).resolves.toMatchObject({ serverName: 'Server dup' });
    });

    it('returns null for an unknown id', async () => {
      await expect(store.get('nope')).resolves.toBeNull();
    });

    it('lists every server ordered by id in code-point order', async () => {
      for (const id of ['zeta', 'a-b', 'ab', 'a_c', 'a1']) await store.create(server(id));
      const ids = (await store.list()).map((record) => record.serverId);
      const expected = [...ids].sort();
      expect(ids).toEqual(expected);
      expect(ids).toEqual(expect.arrayContaining(['a-b', 'a1', 'a_c', 'ab', 'zeta', 'tickets']));
      expect(ids.indexOf('a-b')).toBeLessThan(ids.indexOf('a1'));
      expect(ids.indexOf('a_c')).toBeLessThan(ids.indexOf('ab'));
    });

    it('updates only the patched fields, records who changed it, and round-trips JSON', async () => {
      const before = await store.create(server('patched'));
      const updated = await store.update(
        'patched',
        { staticHeaders: { 'X-New': '1' }, allowedTools: [], timeoutMs: null, enabled: false },
        'vk-fedcba987654',
      );
      expect(updated).toEqual({
        ...before,
        staticHeaders: { 'X-New': '1' },
        allowedTools: [],
        timeoutMs: null,
        enabled: false,
        updatedBy: 'vk-fedcba987654',
        updatedAt: expect.any(Date),
      });
      expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(before!.updatedAt.getTime());
      await expect(store.get('patched')).resolves.toEqual(updated);
    });

    it('ignores fields the patch leaves undefined', async () => {
      const before = await store.create(server('sparse'));
      const updated = await store.update('sparse', { description: undefined }, null);
      expect(updated).toMatchObject({
        description: before!.description,
        authValue: 'secret-token',
      });
    });

    it('answers null when updating an unknown server', async () => {
      await expect(store.update('ghost', { enabled: false }, null)).resolves.toBeNull();
      await expect(store.get('ghost')).resolves.toBeNull();
    });

    it('deletes a server once', async () => {
      await store.create(server('gone'));
      await expect(store.delete('gone')).resolves.toBe(true);
      await expect(store.get('gone')).resolves.toBeNull();
      await expect(store.delete('gone')).resolves.toBe(false);
      await expect(store.create(server('gone'))).resolves.not.toBeNull();
    });
  });

  describe.each(DATABASE_KINDS)('migration on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;

    beforeAll(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await db?.cleanup();
    });

    async function hasTable(name: string): Promise<boolean> {
      const runner = dataSource.createQueryRunner();
      try {
        return await runner.hasTable(name);
      } finally {
        await runner.release();
      }
    }

    async function keyIndexes(): Promise<string[]> {
      const sql =
        kind === 'postgres'
          ? `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'virtual_keys'`
          : `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'virtual_keys'`;
      const rows: { name: string }[] = await dataSource.query(sql);
      return rows
        .map((row) => row.name)
        .filter((name) => name.startsWith('IDX_'))
        .sort();
    }

    it('gives existing keys and teams unrestricted MCP access and keeps their constraints', async () => {
      await expect(revertLastMigration(dataSource)).resolves.toBe('McpServerSource1764400800000');
      await expect(revertLastMigration(dataSource)).resolves.toBe('RequestLogSpend1764400700000');
      await expect(revertLastMigration(dataSource)).resolves.toBe('RouterTraces1764400600000');
      await expect(revertLastMigration(dataSource)).resolves.toBe('A2aAccess1764400500000');
      await expect(revertLastMigration(dataSource)).resolves.toBe('A2aAgents1764400400000');
      await expect(revertLastMigration(dataSource)).resolves.toBe('McpServers1764400300000');
      expect(await hasTable('mcp_servers')).toBe(false);
      const when = "'2025-11-28 10:00:00'";
      await dataSource.query(
        `INSERT INTO teams (team_id, created_at, updated_at) VALUES ('t-old', ${when}, ${when})`,
      );
      await dataSource.query(
        `INSERT INTO virtual_keys (token, key_name, key_alias, team_id, created_at, updated_at)
         VALUES ('${'a'.repeat(64)}', 'sk-...old', 'old', 't-old', ${when}, ${when})`,
      );

      await expect(runMigrationsLocked(dataSource)).resolves.toEqual([
        'McpServers1764400300000',
        'A2aAgents1764400400000',
        'A2aAccess1764400500000',
        'RouterTraces1764400600000',
        'RequestLogSpend1764400700000',
        'McpServerSource1764400800000',
      ]);
      expect(await hasTable('mcp_servers')).toBe(true);
      const key = await new VirtualKeyStore(dataSource).findByToken('a'.repeat(64));
      expect(key).toMatchObject({ keyAlias: 'old', teamId: 't-old', mcp: NO_MCP_RESTRICTIONS });
      const team = await new TeamStore(dataSource).find('t-old');
      expect(team).toMatchObject({ mcp: NO_MCP_RESTRICTIONS });
      expect(await keyIndexes()).toEqual(['IDX_virtual_keys_team_id', 'IDX_virtual_keys_user_id']);
      await expect(
        dataSource.query(
          `INSERT INTO virtual_keys (token, key_name, key_alias, created_at, updated_at)
           VALUES ('${'b'.repeat(64)}', 'sk-...dup', 'old', ${when}, ${when})`,
        ),
      ).rejects.toThrow();
    });

    it('stores key and team MCP permissions as JSON', async () => {
      const mcp = { servers: ['tickets'], accessGroups: ['ops'], tools: { tickets: ['search'] } };
      const keys = new VirtualKeyStore(dataSource);
      await expect(keys.update('a'.repeat(64), { mcp })).resolves.toMatchObject({ mcp });
      await expect(keys.findByToken('a'.repeat(64))).resolves.toMatchObject({ mcp });
      const teams = new TeamStore(dataSource);
      await expect(teams.update('t-old', { mcp })).resolves.toMatchObject({ mcp });
    });
  });
});
