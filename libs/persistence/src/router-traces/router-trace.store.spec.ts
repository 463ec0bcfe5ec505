import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source.factory';
import { revertLastMigration, runMigrationsLocked } from '../migration.runner';
import { createTestTarget, DATABASE_KINDS, type TestTarget } from '../__fixtures__/test-databases';
import {
  routerFeedback,
  routerTrace,
  sha256Hex,
  TRACE_T0,
} from './__fixtures__/router-trace.fixtures';
import { RouterFeedbackStore } from './router-feedback.store';
import { RouterTraceStore } from './router-trace.store';
import type { RatedTrace, TraceExportFilter } from './router-trace.types';

const MINUTE = 60_000;

function at(minutes: number): Date {
  return new Date(TRACE_T0.getTime() + minutes * MINUTE);
}

describe(RouterTraceStore.name, () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;
    let traces: RouterTraceStore;
    let ratings: RouterFeedbackStore;

    beforeEach(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
      traces = new RouterTraceStore(dataSource);
      ratings = new RouterFeedbackStore(dataSource);
    });

    afterEach(async () => {
      if (dataSource?.isInitialized) await dataSource.destroy();
      await db?.cleanup();
    });

    async function exported(filter: TraceExportFilter = {}): Promise<RatedTrace[][]> {
      const pages: RatedTrace[][] = [];
      for await (const page of traces.ratedTraces(filter)) pages.push(page);
      return pages;
    }

    /** Traces at the given minutes, each rated `score`; returns their request ids in order. */
    async function rated(minutes: number[], overrides = {}, score = 1): Promise<string[]> {
      const rows = minutes.map((m) => routerTrace({ createdAt: at(m), ...overrides }));
      await traces.insertMany(rows);
      for (const row of rows) await ratings.upsert(routerFeedback(row.requestId, { score }));
      return rows.map((row) => row.requestId);
    }

    it('reads a trace back with every field intact, nulls included', async () => {
      const full = routerTrace({
        spend: 0.000125,
        createdAt: new Date('2026-01-10T09:00:00.123Z'),
      });
      const bare = routerTrace({
        keyId: null,
        teamId: null,
        routerCandidate: null,
        strategy: 'simple-shuffle',
        promptTokens: null,
        completionTokens: null,
        spend: null,
        prompt: null,
        promptSha256: null,
      });
      await traces.insertMany([full, bare]);
      await expect(traces.find(full.requestId)).resolves.toEqual(full);
      await expect(traces.find(bare.requestId)).resolves.toEqual(bare);
      await expect(traces.find('req-unknown')).resolves.toBeNull();
    });

    it('keeps the first trace of a repeated request id without failing the batch', async () => {
      const first = routerTrace({ requestId: 'req-client-chosen', deploymentId: 'dep-first' });
      await traces.insertMany([first]);
      const other = routerTrace();
      await traces.insertMany([
        routerTrace({ requestId: 'req-client-chosen', deploymentId: 'dep-second', keyId: 'key-b' }),
        other,
      ]);
      await expect(traces.find('req-client-chosen')).resolves.toMatchObject({
        deploymentId: 'dep-first',
        keyId: 'key-a',
      });
      await expect(traces.find(other.requestId)).resolves.toEqual(other);
    });

    it('inserts more rows than one statement holds', async () => {
      const rows = Array.from({ length: 450 }, (_, i) => routerTrace({ createdAt: at(i) }));
      await traces.insertMany(rows);
      const last = rows[449]!;
      await expect(traces.find(last.requestId)).resolves.toEqual(last);
    });

    it('exports only rated traces, oldest first, with their rating', async () => {
      await traces.insertMany([routerTrace({ createdAt: at(0) })]);
      const [late] = await rated([5], {}, 0.25);
      const [early] = await rated([1], {}, 1);
      await ratings.upsert(routerFeedback(late!, { score: 0.75, comment: 'better on reread' }));

      const pages = await exported();
      expect(pages.flat().map((row) => [row.requestId, row.feedback.score])).toEqual([
        [early, 1],
        [late, 0.75],
      ]);
      expect(pages.flat()[1]).toMatchObject({
        prompt: 'What is 2 + 2?',
        feedback: { comment: 'better on reread', updatedAt: TRACE_T0 },
      });
    });

    it('pages by created_at and request id without repeating or skipping ties', async () => {
      const ids = await rated([3, 3, 3, 4, 2]);
      const pages = await exported({ pageSize: 2 });
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      const tied = ids.slice(0, 3).sort();
      expect(pages.flat().map((row) => row.requestId)).toEqual([ids[4], ...tied, ids[3]]);
    });

    it('filters by time range (since inclusive, until exclusive) and model group', async () => {
      const [m1, m2, m3] = await rated([1, 2, 3]);
      const [other] = await rated([2], { modelGroup: 'gpt-4o' });
      const ids = async (filter: TraceExportFilter) =>
        (await exported(filter)).flat().map((row) => row.requestId);

      expect(await ids({ since: at(2) })).toEqual([...[m2!, other!].sort(), m3]);
      expect(await ids({ until: at(2) })).toEqual([m1]);
      expect(await ids({ since: at(2), until: at(3), modelGroup: 'router-auto' })).toEqual([m2]);
      expect(await ids({ modelGroup: 'gpt-4o' })).toEqual([other]);
      expect(await ids({ modelGroup: 'nothing' })).toEqual([]);
    });

    it('keeps only prompts with at least --min-feedback rated answers', async () => {
      const twice = await rated([1, 2], {
        prompt: 'asked twice',
        promptSha256: sha256Hex('asked twice'),
      });
      await rated([3], { prompt: 'asked once', promptSha256: sha256Hex('asked once') });
      await rated([4], { prompt: null, promptSha256: null });
      await traces.insertMany([
        routerTrace({
          createdAt: at(5),
          prompt: 'asked twice',
          promptSha256: sha256Hex('asked twice'),
        }),
      ]);

      const ids = async (filter: TraceExportFilter) =>
        (await exported(filter)).flat().map((row) => row.requestId);
      expect(await ids({ minFeedback: 2 })).toEqual(twice);
      expect(await ids({ minFeedback: 3 })).toEqual([]);
      expect(await ids({ minFeedback: 2, since: at(2) })).toEqual([]);
      expect(await ids({ minFeedback: 1 })).toHaveLength(4);
    });

    it('drops both tables on revert and recreates them on the next run', async () => {
      await rated([1]);
      await expect(revertLastMigration(dataSource)).resolves.toBe('McpServerSource1764400800000');
      await expect(revertLastMigration(dataSource)).resolves.toBe('RequestLogSpend1764400700000');
      await expect(revertLastMigration(dataSource)).resolves.toBe('RouterTraces1764400600000');
      const runner = dataSource.createQueryRunner();
      try {
        expect(await runner.hasTable('router_traces')).toBe(false);
        expect(await runner.hasTable('router_feedback')).toBe(false);
        expect(await runner.hasTable('request_logs')).toBe(true);
      } finally {
        await runner.release();
      }
      await expect(runMigrationsLocked(dataSource)).resolves.toEqual([
        'RouterTraces1764400600000',
        'RequestLogSpend1764400700000',
        'McpServerSource1764400800000',
      ]);
      expect(await exported()).toEqual([]);
    });
  });
});
