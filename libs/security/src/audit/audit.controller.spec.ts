import { Global, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ROUTE_ACCESS_METADATA, RouteAccess } from '@routeiq/common';
import { DataSource } from 'typeorm';
import { AuditController } from './audit.controller';
import { AuditModule } from './audit.module';
import { AuditService } from './audit.service';
import { openAuditDatabase, type AuditDatabase } from './__fixtures__/audit-database';

const VARIABLES = ['AUDIT_LOG_ENABLED', 'AUDIT_LOG_FAIL_MODE'];

describe(AuditController.name, () => {
  const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  let db: AuditDatabase;
  let app: INestApplication;

  async function boot(): Promise<INestApplication> {
    // Stands in for the global PersistenceModule, which provides the DataSource.
    @Global()
    @Module({
      providers: [{ provide: DataSource, useValue: db.dataSource }],
      exports: [DataSource],
    })
    class TestDatabaseModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [TestDatabaseModule, AuditModule],
    }).compile();
    return moduleRef.createNestApplication({ logger: false }).init();
  }

  beforeEach(async () => {
    VARIABLES.forEach((name) => delete process.env[name]);
    db = await openAuditDatabase('sqlite');
    app = await boot();
  });

  afterEach(async () => {
    await app.close();
    await db.close();
    VARIABLES.forEach((name) => {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    });
  });

  it('is admin only', () => {
    expect(Reflect.getMetadata(ROUTE_ACCESS_METADATA, AuditController)).toBe(RouteAccess.Admin);
  });

  it('pages through every row newest first with next_cursor', async () => {
    const audit = app.get(AuditService);
    for (let i = 0; i < 12; i += 1) {
      await audit.guard({ action: 'team.new', resourceType: 'team', resourceId: `t${i}` }, () =>
        Promise.resolve(i),
      );
    }
    // Open mode (the default) buffers; closing the app flushes the buffer.
    await app.close();
    expect(await db.rows()).toHaveLength(12);
    app = await boot();

    const controller = app.get(AuditController);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await controller.logs({ action: 'team.new', limit: '5', cursor });
      seen.push(...page.data.map((row) => row.resource_id ?? ''));
      if (page.next_cursor === null) break;
      cursor = page.next_cursor;
    }
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect(seen.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `t${i}`).sort());
  });

  it('answers bad query values with a 400 naming the parameter', () => {
    const controller = app.get(AuditController);
    expect(() => controller.logs({ outcome: 'maybe' })).toThrow(
      expect.objectContaining({ status: 400, code: 'invalid_audit_query', param: 'outcome' }),
    );
  });

  it('fails closed when AUDIT_LOG_FAIL_MODE=closed', async () => {
    process.env.AUDIT_LOG_FAIL_MODE = 'closed';
    await app.close();
    app = await boot();
    await db.breakAuditTable();
    await expect(
      app.get(AuditService).recordControlPlane({ action: 'config.reload' }),
    ).rejects.toMatchObject({ status: 503, code: 'audit_log_unavailable' });
  });
});
