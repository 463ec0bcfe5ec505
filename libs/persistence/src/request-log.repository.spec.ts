import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source.factory';
import { runMigrationsLocked } from './migration.runner';
import { RequestLogRepository } from './request-log.repository';
import {
  createTestTarget,
  DATABASE_KINDS,
  requestLogRecord,
  type TestTarget,
} from './__fixtures__/test-databases';

describe(RequestLogRepository.name, () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;
    let repository: RequestLogRepository;

    beforeAll(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
      repository = new RequestLogRepository(dataSource);
    });

    afterAll(async () => {
      await dataSource.destroy();
      await db.cleanup();
    });

    it('round-trips every field', async () => {
      const full = requestLogRecord();
      const sparse = requestLogRecord({
        requestId: full.requestId,
        createdAt: new Date('2025-11-28T10:15:31.000Z'),
        endpoint: 'embedding',
        deploymentId: null,
        provider: null,
        keyId: 'key-7',
        keyAlias: 'ci key',
        teamId: 'team-1',
        userId: 'user-1',
        cachedPromptTokens: 4,
        cacheCreationTokens: 2,
        reasoningTokens: 10,
        inputCost: 0.25,
        cacheReadCost: 0.125,
        cacheCreationCost: 0.0625,
        outputCost: 0.5,
        statusCode: 502,
        stream: false,
        ttftMs: null,
        errorCode: 'upstream_error',
        spend: 0.9375,
      });
      await repository.insertMany([sparse, full]);

      expect(await repository.findByRequestId(full.requestId)).toEqual([
        { ...full, id: expect.stringMatching(/^\d+$/) },
        { ...sparse, id: expect.stringMatching(/^\d+$/) },
      ]);
      expect(await repository.findByRequestId('req-unknown')).toEqual([]);
    });

    it('inserts more rows than one statement holds and counts them', async () => {
      const before = await repository.count();
      await repository.insertMany(Array.from({ length: 1200 }, () => requestLogRecord()));
      expect(await repository.count()).toBe(before + 1200);
    });
  });
});
