import type { DataSource } from 'typeorm';
import { A2aAgentStore } from '../a2a/a2a-agent.store';
import { createDataSource } from '../data-source.factory';
import { McpServerStore } from '../mcp/mcp-server.store';
import { mcpServerDefaults } from '../mcp/mcp-server.defaults';
import { runMigrationsLocked } from '../migration.runner';
import { createTestTarget, DATABASE_KINDS, type TestTarget } from '../__fixtures__/test-databases';
import { CredentialCipher, CredentialCipherError } from './credential-cipher';
import {
  CredentialRekeyError,
  rekeyCredentials,
  sealPlaintextCredentials,
} from './credential-reseal';
import { StoredCredentialsRepository } from './stored-credentials.repository';

const OLD = new CredentialCipher('old-salt-key');
const NEW = new CredentialCipher('new-salt-key');
const SECRETS = ['tok-alpha', 'hdr-beta', 'env-gamma', 'agent-delta', 'agent-hdr-eps'];

type RawRow = Record<string, unknown>;

async function rawRows(dataSource: DataSource): Promise<{ mcp: RawRow[]; a2a: RawRow[] }> {
  return {
    mcp: await dataSource.query(`SELECT * FROM mcp_servers ORDER BY server_id`),
    a2a: await dataSource.query(`SELECT * FROM a2a_agents ORDER BY agent_id`),
  };
}

/** The rows without their credential columns: what re-sealing must never change. */
function withoutCredentials(rows: { mcp: RawRow[]; a2a: RawRow[] }): RawRow[] {
  const credential = new Set(['auth_value', 'static_headers', 'env']);
  const strip = (row: RawRow) =>
    Object.fromEntries(Object.entries(row).filter(([column]) => !credential.has(column)));
  return [...rows.mcp.map(strip), ...rows.a2a.map(strip)];
}

/** Every credential value of the raw rows: auth values and JSON column values. */
function storedValues(rows: { mcp: RawRow[]; a2a: RawRow[] }): string[] {
  const values: string[] = [];
  for (const row of [...rows.mcp, ...rows.a2a]) {
    if (typeof row.auth_value === 'string' && row.auth_value !== '') values.push(row.auth_value);
    for (const column of ['static_headers', 'env']) {
      const text = row[column];
      if (typeof text !== 'string') continue;
      values.push(...Object.values(JSON.parse(text) as Record<string, string>));
    }
  }
  return values.filter((value) => value !== '');
}

function mcpServer(serverId: string, authValue: string | null) {
  return {
    ...mcpServerDefaults(),
    serverId,
    serverName: `Server ${serverId}`,
    url: `http://127.0.0.1:9/${serverId}`,
    authType: authValue === null ? ('none' as const) : ('bearer_token' as const),
    authValue,
    createdBy: 'vk-creator',
    updatedBy: 'vk-editor',
  };
}

function a2aAgent(agentId: string, authValue: string | null, headers: Record<string, string>) {
  return {
    agentId,
    name: `Agent ${agentId}`,
    description: null,
    url: `http://127.0.0.1:9/${agentId}`,
    cardUrl: null,
    card: { name: agentId },
    protocolVersion: '1.0' as const,
    capabilities: [],
    accessGroups: [],
    keyRpmLimit: null,
    authType: 'bearer_token' as const,
    authValue,
    apiKeyHeader: null,
    staticHeaders: headers,
    timeoutMs: null,
    enabled: true,
    createdBy: null,
    updatedBy: null,
  };
}

describe('credential re-sealing', () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;

    beforeEach(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
    });

    afterEach(async () => {
      await dataSource?.destroy();
      await db?.cleanup();
    });

    /** Rows as a gateway without encryption left them, plus one already sealed under `OLD`. */
    async function seedLegacy(): Promise<void> {
      const mcp = new McpServerStore(dataSource, OLD);
      await mcp.create({
        ...mcpServer('legacy-http', 'tok-alpha'),
        staticHeaders: { 'X-Key': 'hdr-beta', 'X-Empty': '' },
      });
      await mcp.create({ ...mcpServer('legacy-stdio', null), env: { TOKEN: 'env-gamma' } });
      await mcp.create({ ...mcpServer('sealed', 'tok-sealed'), staticHeaders: { 'X-K': 'v' } });
      await mcp.create({ ...mcpServer('no-credentials', null), authValue: '' });
      await new A2aAgentStore(dataSource, OLD).create(
        a2aAgent('legacy-agent', 'agent-delta', { 'X-Agent': 'agent-hdr-eps' }),
      );
      const plain = (values: Record<string, string>) => `'${JSON.stringify(values)}'`;
      await dataSource.query(
        `UPDATE mcp_servers SET auth_value = 'tok-alpha',
           static_headers = ${plain({ 'X-Key': 'hdr-beta', 'X-Empty': '' })}
         WHERE server_id = 'legacy-http'`,
      );
      await dataSource.query(
        `UPDATE mcp_servers SET env = ${plain({ TOKEN: 'env-gamma' })} WHERE server_id = 'legacy-stdio'`,
      );
      await dataSource.query(
        `UPDATE a2a_agents SET auth_value = 'agent-delta',
           static_headers = ${plain({ 'X-Agent': 'agent-hdr-eps' })}
         WHERE agent_id = 'legacy-agent'`,
      );
    }

    it('seals every plain-text credential once, changing nothing else of the rows', async () => {
      await seedLegacy();
      const before = await rawRows(dataSource);
      expect(JSON.stringify(before)).toContain('tok-alpha');

      await expect(sealPlaintextCredentials(dataSource, OLD)).resolves.toEqual({
        mcpServers: 2,
        a2aAgents: 1,
      });

      const after = await rawRows(dataSource);
      const text = JSON.stringify(after);
      for (const secret of SECRETS) expect(text).not.toContain(secret);
      expect(storedValues(after).every(CredentialCipher.isSealed)).toBe(true);
      expect(withoutCredentials(after)).toEqual(withoutCredentials(before));
      // Already sealed and empty values are left exactly as they were.
      expect(after.mcp.find((row) => row.server_id === 'sealed')).toEqual(
        before.mcp.find((row) => row.server_id === 'sealed'),
      );
      expect(after.mcp.find((row) => row.server_id === 'no-credentials')?.auth_value).toBe('');
      expect(JSON.parse(after.mcp[0]!.static_headers as string)).toMatchObject({ 'X-Empty': '' });

      const mcp = new McpServerStore(dataSource, OLD);
      await expect(mcp.get('legacy-http')).resolves.toMatchObject({
        authValue: 'tok-alpha',
        staticHeaders: { 'X-Key': 'hdr-beta', 'X-Empty': '' },
        updatedBy: 'vk-editor',
      });
      await expect(mcp.get('legacy-stdio')).resolves.toMatchObject({ env: { TOKEN: 'env-gamma' } });
      await expect(new A2aAgentStore(dataSource, OLD).get('legacy-agent')).resolves.toMatchObject({
        authValue: 'agent-delta',
        staticHeaders: { 'X-Agent': 'agent-hdr-eps' },
      });

      // Idempotent: a second pass finds nothing, and rewrites nothing.
      await expect(sealPlaintextCredentials(dataSource, OLD)).resolves.toEqual({
        mcpServers: 0,
        a2aAgents: 0,
      });
      expect(await rawRows(dataSource)).toEqual(after);
    });

    it('never overwrites a row changed since it was read', async () => {
      await seedLegacy();
      const repository = new StoredCredentialsRepository(dataSource.manager);
      const [stale] = await repository.rows();
      expect(stale).toMatchObject({ owner: 'MCP server', id: 'legacy-http' });
      await new McpServerStore(dataSource, OLD).update('legacy-http', { authValue: 'newer' }, null);
      const written = await rawRows(dataSource);

      await expect(
        repository.replace(stale!, { authValue: OLD.seal('tok-alpha'), maps: {} }),
      ).resolves.toBe(false);
      expect(await rawRows(dataSource)).toEqual(written);
      await expect(new McpServerStore(dataSource, OLD).get('legacy-http')).resolves.toMatchObject({
        authValue: 'newer',
      });
    });

    it('re-keys old to new: the new secret opens every credential, the old one none', async () => {
      await seedLegacy();
      await expect(sealPlaintextCredentials(dataSource, OLD)).resolves.toMatchObject({
        mcpServers: 2,
      });
      // One more row from before encryption, sealed under the new secret by the re-key.
      await dataSource.query(
        `UPDATE mcp_servers SET auth_value = 'tok-late' WHERE server_id = 'no-credentials'`,
      );
      const before = await rawRows(dataSource);

      await expect(rekeyCredentials(dataSource, OLD, NEW, { dryRun: false })).resolves.toEqual({
        rows: 5,
        resealed: 7,
        sealedPlaintext: 1,
        alreadyCurrent: 0,
      });

      const after = await rawRows(dataSource);
      expect(withoutCredentials(after)).toEqual(withoutCredentials(before));
      const values = storedValues(after);
      expect(values).toHaveLength(8);
      for (const value of values) {
        expect(CredentialCipher.isSealed(value)).toBe(true);
        expect(() => NEW.open(value)).not.toThrow();
        expect(() => OLD.open(value)).toThrow(CredentialCipherError);
      }
      const mcp = new McpServerStore(dataSource, NEW);
      await expect(mcp.get('legacy-http')).resolves.toMatchObject({
        authValue: 'tok-alpha',
        staticHeaders: { 'X-Key': 'hdr-beta', 'X-Empty': '' },
      });
      await expect(mcp.get('sealed')).resolves.toMatchObject({ authValue: 'tok-sealed' });
      await expect(mcp.get('no-credentials')).resolves.toMatchObject({ authValue: 'tok-late' });
      await expect(mcp.get('legacy-stdio')).resolves.toMatchObject({ env: { TOKEN: 'env-gamma' } });
      await expect(new A2aAgentStore(dataSource, NEW).get('legacy-agent')).resolves.toMatchObject({
        authValue: 'agent-delta',
        staticHeaders: { 'X-Agent': 'agent-hdr-eps' },
      });
      await expect(new McpServerStore(dataSource, OLD).get('sealed')).rejects.toThrow(
        CredentialCipherError,
      );

      // A second run finds everything under the new secret and writes nothing.
      await expect(rekeyCredentials(dataSource, OLD, NEW, { dryRun: false })).resolves.toEqual({
        rows: 0,
        resealed: 0,
        sealedPlaintext: 0,
        alreadyCurrent: 8,
      });
      expect(await rawRows(dataSource)).toEqual(after);
    });

    it('counts in a dry run and writes nothing', async () => {
      await seedLegacy();
      const before = await rawRows(dataSource);
      await expect(rekeyCredentials(dataSource, OLD, NEW, { dryRun: true })).resolves.toEqual({
        rows: 4,
        resealed: 2,
        sealedPlaintext: 5,
        alreadyCurrent: 0,
      });
      expect(await rawRows(dataSource)).toEqual(before);
    });

    it('changes nothing when a value opens under neither secret, and names it', async () => {
      await seedLegacy();
      await new A2aAgentStore(dataSource, new CredentialCipher('third-key')).create(
        a2aAgent('foreign', 'agent-foreign', { 'X-F': 'f' }),
      );
      const before = await rawRows(dataSource);

      const failure = await rekeyCredentials(dataSource, OLD, NEW, { dryRun: false }).catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(CredentialRekeyError);
      expect((failure as CredentialRekeyError).fields).toEqual([
        "A2A agent 'foreign' auth_value",
        "A2A agent 'foreign' static_headers['X-F']",
      ]);
      expect((failure as Error).message).not.toMatch(/agent-foreign|enc:v1:/);
      expect(await rawRows(dataSource)).toEqual(before);

      const wrongOld = new CredentialCipher('not-the-old-key');
      await expect(rekeyCredentials(dataSource, wrongOld, NEW, { dryRun: true })).rejects.toThrow(
        /MCP server 'sealed' auth_value/,
      );
      expect(await rawRows(dataSource)).toEqual(before);
    });
  });

  describe('on postgres, replicas booting together', () => {
    let db: TestTarget;
    const dataSources: DataSource[] = [];

    afterEach(async () => {
      for (const dataSource of dataSources.splice(0)) await dataSource.destroy();
      await db?.cleanup();
    });

    it('seal each plain-text value exactly once', async () => {
      db = await createTestTarget('postgres');
      for (let i = 0; i < 3; i++) dataSources.push(await createDataSource(db.target).initialize());
      const [first] = dataSources;
      await runMigrationsLocked(first!);
      const store = new McpServerStore(first!, OLD);
      for (let i = 0; i < 20; i++) await store.create(mcpServer(`s${i}`, `tok-${i}`));
      await first!.query(`UPDATE mcp_servers SET auth_value = 'tok-' || substr(server_id, 2)`);

      // As each replica boots: migrations, then the seal pass, under the migration lock.
      const counts: number[] = [];
      await Promise.all(
        dataSources.map((dataSource) =>
          runMigrationsLocked(dataSource, undefined, async () => {
            counts.push((await sealPlaintextCredentials(dataSource, OLD)).mcpServers);
          }),
        ),
      );
      expect(counts.sort((a, b) => a - b)).toEqual([0, 0, 20]);
      const rows = await rawRows(first!);
      expect(rows.mcp).toHaveLength(20);
      for (const row of rows.mcp) {
        expect(OLD.open(row.auth_value as string)).toBe(
          `tok-${(row.server_id as string).slice(1)}`,
        );
      }
    });

    it('never seal a value twice when their passes interleave', async () => {
      db = await createTestTarget('postgres');
      for (let i = 0; i < 3; i++) dataSources.push(await createDataSource(db.target).initialize());
      const [first] = dataSources;
      await runMigrationsLocked(first!);
      const store = new McpServerStore(first!, OLD);
      for (let i = 0; i < 20; i++) await store.create(mcpServer(`s${i}`, `tok-${i}`));
      await first!.query(`UPDATE mcp_servers SET auth_value = 'tok-' || substr(server_id, 2)`);

      // Without the migration lock: only the table lock and the conditional updates keep it safe.
      const counts = await Promise.all(
        dataSources.map((dataSource) => sealPlaintextCredentials(dataSource, OLD)),
      );
      expect(counts.reduce((sum, count) => sum + count.mcpServers, 0)).toBe(20);
      for (const row of (await rawRows(first!)).mcp) {
        expect(OLD.open(row.auth_value as string)).toBe(
          `tok-${(row.server_id as string).slice(1)}`,
        );
      }
    });
  });
});
