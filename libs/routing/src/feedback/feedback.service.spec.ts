import type { Principal } from '@routeiq/common';
import { GatewayException } from '@routeiq/common';
import {
  createDataSource,
  RouterFeedbackStore,
  RouterTraceStore,
  RouterTraceWriter,
  runMigrationsLocked,
} from '@routeiq/persistence';
import type { DataSource } from 'typeorm';
import {
  createTestTarget,
  DATABASE_KINDS,
  type TestTarget,
} from '../../../persistence/src/__fixtures__/test-databases';
import { routerTrace } from '../../../persistence/src/router-traces/__fixtures__/router-trace.fixtures';
import { FeedbackErrorCode } from './feedback.exception';
import { FeedbackService } from './feedback.service';

const OWNER: Principal = { kind: 'virtual', keyId: 'key-a' };
const OTHER: Principal = { kind: 'virtual', keyId: 'key-b' };
const ADMIN: Principal = { kind: 'admin', keyId: 'admin-1' };
const MASTER: Principal = { kind: 'master', keyId: 'master' };

describe(FeedbackService.name, () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;
    let traces: RouterTraceStore;
    let ratings: RouterFeedbackStore;
    let writer: RouterTraceWriter;
    let service: FeedbackService;

    beforeAll(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
      traces = new RouterTraceStore(dataSource);
      ratings = new RouterFeedbackStore(dataSource);
      writer = new RouterTraceWriter(traces, { flushIntervalMs: 60_000 });
      service = new FeedbackService(traces, ratings, writer);
    });

    afterAll(async () => {
      await writer?.beforeApplicationShutdown();
      await dataSource?.destroy();
      await db?.cleanup();
    });

    async function codeOf(promise: Promise<unknown>): Promise<[number, string]> {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!(error instanceof GatewayException)) throw new Error('expected a refusal');
      return [error.status, error.code];
    }

    it("stores the owner's rating and a later one replaces it", async () => {
      const trace = routerTrace();
      await traces.insertMany([trace]);
      const first = await service.rate({ request_id: trace.requestId, score: false }, OWNER);
      expect(first).toMatchObject({ object: 'feedback', score: 0, comment: null });
      const second = await service.rate(
        { request_id: trace.requestId, score: 0.8, comment: 'fine after all' },
        OWNER,
      );
      expect(second).toMatchObject({ score: 0.8, comment: 'fine after all' });
      expect(second.created_at).toBe(first.created_at);
      await expect(ratings.find(trace.requestId)).resolves.toMatchObject({
        keyId: 'key-a',
        score: 0.8,
      });
    });

    it("answers another key's request as unknown, and lets admins rate any", async () => {
      const trace = routerTrace();
      await traces.insertMany([trace]);
      const body = { request_id: trace.requestId, score: 1 };
      expect(await codeOf(service.rate(body, OTHER))).toEqual([
        404,
        FeedbackErrorCode.RequestNotFound,
      ]);
      await expect(ratings.find(trace.requestId)).resolves.toBeNull();
      await expect(service.rate(body, ADMIN)).resolves.toMatchObject({ score: 1 });
      await expect(service.rate({ ...body, score: 0.5 }, MASTER)).resolves.toMatchObject({
        score: 0.5,
      });
    });

    it('lets only admins rate a trace without a key', async () => {
      const trace = routerTrace({ keyId: null });
      await traces.insertMany([trace]);
      const body = { request_id: trace.requestId, score: 1 };
      expect((await codeOf(service.rate(body, OWNER)))[0]).toBe(404);
      await expect(service.rate(body, ADMIN)).resolves.toMatchObject({ score: 1 });
    });

    it('refuses unknown request ids and invalid scores', async () => {
      expect(await codeOf(service.rate({ request_id: 'req-unknown', score: 1 }, ADMIN))).toEqual([
        404,
        FeedbackErrorCode.RequestNotFound,
      ]);
      expect(await codeOf(service.rate({ request_id: 'req-unknown', score: 2 }, OWNER))).toEqual([
        400,
        FeedbackErrorCode.InvalidFeedback,
      ]);
    });

    it('finds a trace that is still buffered by writing the buffer first', async () => {
      const trace = routerTrace();
      writer.record(trace);
      await expect(
        service.rate({ request_id: trace.requestId, score: 1 }, OWNER),
      ).resolves.toMatchObject({ request_id: trace.requestId });
      expect(writer.buffered).toBe(0);
    });
  });
});
