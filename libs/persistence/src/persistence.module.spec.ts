import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Global, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigStore, ServerConfig } from '@routeiq/config';
import { createTestDatabase, type TestDatabase } from '@routeiq/testing';
import { DataSource } from 'typeorm';
import { CredentialCipher } from './credentials/credential-cipher';
import { createDataSource } from './data-source.factory';
import { DatabaseHealth } from './database.health';
import { McpServerStore, mcpServerDefaults } from './mcp';
import { runMigrationsLocked } from './migration.runner';
import { PersistenceModule } from './persistence.module';
import { RequestLogQueryService } from './request-log-query.service';
import { RequestLogWriter } from './request-log.writer';
import { RequestLogRepository } from './request-log.repository';
import { requestLogRecord } from './__fixtures__/test-databases';

function configModule(dataDir: string, databaseUrl?: string) {
  @Global()
  @Module({
    providers: [
      { provide: ServerConfig, useValue: { dataDir } },
      {
        provide: ConfigStore,
        useValue: { current: { generalSettings: { database_url: databaseUrl } } },
      },
    ],
    exports: [ServerConfig, ConfigStore],
  })
  class FakeConfigModule {}
  return FakeConfigModule;
}

describe(PersistenceModule.name, () => {
  const savedUrl = process.env.DATABASE_URL;
  let dir: string;
  let pg: TestDatabase | undefined;

  beforeEach(() => {
    delete process.env.DATABASE_URL;
    dir = mkdtempSync(join(tmpdir(), 'routeiq-module-'));
  });

  afterEach(async () => {
    if (savedUrl !== undefined) process.env.DATABASE_URL = savedUrl;
    rmSync(dir, { recursive: true, force: true });
    await pg?.drop();
    pg = undefined;
  });

  async function boot(databaseUrl?: string) {
    const moduleRef = await Test.createTestingModule({
      imports: [configModule(join(dir, 'data'), databaseUrl), PersistenceModule],
    }).compile();
    return moduleRef.createNestApplication({ logger: false }).init();
  }

  it('defaults to SQLite in the data dir, migrates, and flushes the writer before closing', async () => {
    const app = await boot();
    const rec = requestLogRecord();
    app.get(RequestLogWriter).record(rec);
    await expect(app.get(DatabaseHealth).ping(1000)).resolves.toBeUndefined();
    expect(app.get(DatabaseHealth).describe()).toBe(
      `sqlite:${join(dir, 'data', 'routeiq.sqlite')}`,
    );
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
    await app.close();

    const reopened = await createDataSource({
      kind: 'sqlite',
      path: join(dir, 'data', 'routeiq.sqlite'),
    }).initialize();
    expect(await new RequestLogRepository(reopened).findByRequestId(rec.requestId)).toEqual([
      { ...rec, id: expect.any(String) },
    ]);
    await reopened.destroy();
  });

  it('seals credentials stored in plain text at boot, after migrating, and logs the count', async () => {
    const path = join(dir, 'data', 'routeiq.sqlite');
    const seeded = await createDataSource({ kind: 'sqlite', path }).initialize();
    await runMigrationsLocked(seeded);
    await new McpServerStore(seeded, new CredentialCipher('module-spec-salt')).create({
      ...mcpServerDefaults(),
      serverId: 'legacy',
      serverName: 'Legacy',
      url: 'http://127.0.0.1:9/mcp',
      authType: 'bearer_token',
      authValue: 'x',
      createdBy: null,
      updatedBy: null,
    });
    await seeded.query(`UPDATE mcp_servers SET auth_value = 'plain-legacy-token'`);
    await seeded.destroy();
    const saved = process.env.LITELLM_SALT_KEY;
    process.env.LITELLM_SALT_KEY = 'module-spec-salt';
    const logged = jest.spyOn(Logger.prototype, 'log');
    try {
      const app = await boot();
      const [row] = await app
        .get(DataSource)
        .query<Array<{ auth_value: string }>>(`SELECT auth_value FROM mcp_servers`);
      expect(CredentialCipher.isSealed(row!.auth_value)).toBe(true);
      expect(new CredentialCipher('module-spec-salt').open(row!.auth_value)).toBe(
        'plain-legacy-token',
      );
      await expect(app.get(McpServerStore).get('legacy')).resolves.toMatchObject({
        authValue: 'plain-legacy-token',
      });
      await app.close();
      const lines = logged.mock.calls.map(([message]) => String(message));
      expect(lines).toContain(
        'credentials stored in plain text sealed: MCP servers 1, A2A agents 0',
      );
      expect(lines.join('\n')).not.toContain('plain-legacy-token');
    } finally {
      logged.mockRestore();
      if (saved === undefined) delete process.env.LITELLM_SALT_KEY;
      else process.env.LITELLM_SALT_KEY = saved;
    }
  });

  it('uses general_settings.database_url and exposes the read service', async () => {
    pg = await createTestDatabase();
    const app = await boot(pg.url);
    try {
      const writer = app.get(RequestLogWriter);
      writer.record(requestLogRecord());
      await writer.flush();
      expect(await app.get(RequestLogQueryService).count()).toBe(1);
      expect(app.get(DatabaseHealth).describe()).toMatch(
        /^postgres:\/\/postgres@127\.0\.0\.1:5432\//,
      );
    } finally {
      await app.close();
    }
  });
});
