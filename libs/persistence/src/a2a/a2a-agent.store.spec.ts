import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source.factory';
import { revertLastMigration, runMigrationsLocked } from '../migration.runner';
import { createTestTarget, DATABASE_KINDS, type TestTarget } from '../__fixtures__/test-databases';
import { CredentialCipher } from '../credentials/credential-cipher';
import { A2aAgentStore } from './a2a-agent.store';

const CIPHER = new CredentialCipher('store-spec-key');
import { TeamStore } from '../keys/team.store';
import { NO_AGENT_RESTRICTIONS, type A2aAgentInput } from './a2a-agent.types';

function agent(agentId: string, overrides: Partial<A2aAgentInput> = {}): A2aAgentInput {
  return {
    agentId,
    name: `Agent ${agentId}`,
    description: 'Books "flights" — ünïcode',
    url: `http://127.0.0.1:9000/${agentId}/a2a`,
    cardUrl: `http://127.0.0.1:9000/${agentId}/.well-known/agent-card.json`,
    card: {
      name: `Agent ${agentId}`,
      skills: [{ id: 'book', tags: ['travel'] }],
      nested: [1, null],
    },
    protocolVersion: '1.0',
    capabilities: ['book', 'travel', 'streaming'],
    accessGroups: [],
    keyRpmLimit: null,
    authType: 'bearer_token',
    authValue: 'secret-token',
    apiKeyHeader: null,
    staticHeaders: { 'X-Tenant': 'acme', 'X-Trace': 'a"b' },
    timeoutMs: 15_000,
    enabled: true,
    createdBy: 'vk-0123456789ab',
    updatedBy: null,
    ...overrides,
  };
}

describe(A2aAgentStore.name, () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;
    let store: A2aAgentStore;

    beforeAll(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
      store = new A2aAgentStore(dataSource, CIPHER);
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await db?.cleanup();
    });

    it('creates an agent and reads it back with every field and JSON column intact', async () => {
      const input = agent('travel');
      const created = await store.create(input);
      expect(created).toEqual({
        ...input,
        createdAt: expect.any(Date),
        updatedAt: expect.any(Date),
      });
      const found = await store.get('travel');
      expect(found).toEqual(created);
      expect(found?.card).toEqual(input.card);
      expect(found?.createdAt.getTime()).toBe(created?.createdAt.getTime());
    });

    it('stores an agent registered without a card, credentials or timeout', async () => {
      const input = agent('bare', {
        description: null,
        cardUrl: null,
        card: {},
        protocolVersion: '0.3',
        capabilities: [],
        authType: 'none',
        authValue: null,
        staticHeaders: {},
        timeoutMs: null,
        enabled: false,
        createdBy: null,
      });
      await store.create(input);
      await expect(store.get('bare')).resolves.toEqual({
        ...input,
        createdAt: expect.any(Date),
        updatedAt: expect.any(Date),
      });
    });

    it('refuses a duplicate id with null and leaves the first agent unchanged', async () => {
      await store.create(agent('dup'));
      await expect(store.create(agent('dup', { name: 'Other' }))).resolves.toBeNull();
      const results = await Promise.all([
        store.create(agent('race', { name: 'A' })),
        store.create(agent('race', { name: 'B' })),
      ]);
      expect(results.filter((result) => result !== null)).toHaveLength(1);
      await expect(store.get('dup')).resolves.toMatchObject({ name: 'Agent dup' });
    });

    it('returns null for an unknown id', async () => {
      await expect(store.get('nope')).resolves.toBeNull();
    });

    it('lists every agent ordered by id in code-point order', async () => {
      for (const id of ['zeta', 'a-b', 'ab', 'a_c', 'a1']) await store.create(agent(id));
      const ids = (await store.list()).map((record) => record.agentId);
      expect(ids).toEqual([...ids].sort());
      expect(ids).toEqual(expect.arrayContaining(['a-b', 'a1', 'a_c', 'ab', 'zeta', 'travel']));
      expect(ids.indexOf('a-b')).toBeLessThan(ids.indexOf('a1'));
      expect(ids.indexOf('a_c')).toBeLessThan(ids.indexOf('ab'));
    });

    it('updates only the patched fields and records who changed it', async () => {
      const before = await store.create(agent('patched'));
      const patch = {
        card: { name: 'New' },
        capabilities: ['x'],
        staticHeaders: {},
        timeoutMs: null,
        enabled: false,
      };
      const updated = await store.update('patched', patch, 'vk-fedcba987654');
      expect(updated).toEqual({
        ...before,
        ...patch,
        updatedBy: 'vk-fedcba987654',
        updatedAt: expect.any(Date),
      });
      expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(before!.updatedAt.getTime());
      await expect(store.get('patched')).resolves.toEqual(updated);
    });

    it('ignores fields the patch leaves undefined', async () => {
      const before = await store.create(agent('sparse'));
      const updated = await store.update('sparse', { description: undefined }, null);
      expect(updated).toMatchObject({
        description: before!.description,
        authValue: 'secret-token',
      });
    });

    it('answers null when updating an unknown agent', async () => {
      await expect(store.update('ghost', { enabled: false }, null)).resolves.toBeNull();
      await expect(store.get('ghost')).resolves.toBeNull();
    });

    it('deletes an agent once', async () => {
      await store.create(agent('gone'));
      await expect(store.delete('gone')).resolves.toBe(true);
      await expect(store.get('gone')).resolves.toBeNull();
      await expect(store.delete('gone')).resolves.toBe(false);
      await expect(store.create(agent('gone'))).resolves.not.toBeNull();
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

    it('gives existing agents no access groups or limit, and keys and teams every agent', async () => {
      await new A2aAgentStore(dataSource, CIPHER).create(agent('older'));
      await expect(revertLastMigration(dataSource)).resolves.toBe('McpServerSource1764400800000');
      await expect(revertLastMigration(dataSource)).resolves.toBe('RequestLogSpend1764400700000');
      await expect(revertLastMigration(dataSource)).resolves.toBe('RouterTraces1764400600000');
      await expect(revertLastMigration(dataSource)).resolves.toBe('A2aAccess1764400500000');
      const when = "'2025-11-28 10:00:00'";
      await dataSource.query(
        `INSERT INTO teams (team_id, created_at, updated_at) VALUES ('t-a2a', ${when}, ${when})`,
      );
      await expect(runMigrationsLocked(dataSource)).resolves.toEqual([
        'A2aAccess1764400500000',
        'RouterTraces1764400600000',
        'RequestLogSpend1764400700000',
        'McpServerSource1764400800000',
      ]);
      await expect(new A2aAgentStore(dataSource, CIPHER).get('older')).resolves.toMatchObject({
        accessGroups: [],
        keyRpmLimit: null,
      });
      const team = await new TeamStore(dataSource).find('t-a2a');
      expect(team?.agents).toEqual(NO_AGENT_RESTRICTIONS);
      await new A2aAgentStore(dataSource, CIPHER).delete('older');
    });

    it('drops the table on revert and recreates it on the next run', async () => {
      await new A2aAgentStore(dataSource, CIPHER).create(agent('kept', { accessGroups: ['ops'] }));
      await expect(revertLastMigration(dataSource)).resolves.toBe('McpServerSource1764400800000');
      await expect(revertLastMigration(dataSource)).resolves.toBe('RequestLogSpend1764400700000');
      await expect(revertLastMigration(dataSource)).resolves.toBe('RouterTraces1764400600000');
      await expect(revertLastMigration(dataSource)).resolves.toBe('A2aAccess1764400500000');
      await expect(revertLastMigration(dataSource)).resolves.toBe('A2aAgents1764400400000');
      expect(await hasTable('a2a_agents')).toBe(false);
      expect(await hasTable('mcp_servers')).toBe(true);
      await expect(runMigrationsLocked(dataSource)).resolves.toEqual([
        'A2aAgents1764400400000',
        'A2aAccess1764400500000',
        'RouterTraces1764400600000',
        'RequestLogSpend1764400700000',
        'McpServerSource1764400800000',
      ]);
      await expect(new A2aAgentStore(dataSource, CIPHER).list()).resolves.toEqual([]);
    });
  });
});
