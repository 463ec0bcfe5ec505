import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source.factory';
import { runMigrationsLocked } from './migration.runner';
import { RequestLogRepository } from './request-log.repository';
import type { RequestLogRecord, SpendReportRow } from './request-log.types';
import {
  createTestTarget,
  DATABASE_KINDS,
  requestLogRecord,
  type TestTarget,
} from './__fixtures__/test-databases';

const at = (iso: string): Date => new Date(iso);

/** Six requests over two UTC days (one a millisecond before midnight), two keys, two teams. */
const ROWS: RequestLogRecord[] = [
  row('r1', '2025-11-27T09:00:00.000Z', 'vk-a', 'team-x', 'alice', 'gpt-4o', 0.5, 100, 10),
  row('r2', '2025-11-27T23:59:59.999Z', 'vk-a', 'team-x', 'alice', 'claude', 1.25, 200, 20),
  row('r3', '2025-11-28T00:00:00.000Z', 'vk-b', 'team-y', 'bob', 'gpt-4o', 2, 300, 30),
  row('r4', '2025-11-28T12:00:00.000Z', 'vk-b', 'team-y', 'bob', 'gpt-4o', 0.25, 50, 5),
  row('r5', '2025-11-28T12:00:00.000Z', 'vk-a', 'team-x', 'alice', 'gpt-4o', 0, 0, 0, 502),
  row('r6', '2025-11-28T18:30:00.000Z', null, null, null, 'claude', 0.125, 10, 1),
];

function row(
  requestId: string,
  createdAt: string,
  keyId: string | null,
  teamId: string | null,
  userId: string | null,
  modelGroup: string,
  spend: number,
  promptTokens: number,
  completionTokens: number,
  statusCode = 200,
): RequestLogRecord {
  return requestLogRecord({
    requestId,
    createdAt: at(createdAt),
    keyId,
    keyAlias: keyId === null ? null : `alias-${keyId}`,
    teamId,
    userId,
    modelGroup,
    deploymentId: `${modelGroup}-dep`,
    statusCode,
    spend,
    inputCost: spend / 2,
    outputCost: spend / 2,
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    cachedPromptTokens: Math.floor(promptTokens / 10),
    cacheCreationTokens: 1,
    reasoningTokens: Math.floor(completionTokens / 5),
  });
}

const pick = (rows: SpendReportRow[]) =>
  rows.map(({ group, spend, requests, failedRequests }) => ({
    group,
    spend,
    requests,
    failedRequests,
  }));

describe('request log spend queries', () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;
    let repository: RequestLogRepository;

    beforeAll(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
      repository = new RequestLogRepository(dataSource);
      await repository.insertMany(ROWS);
    });

    afterAll(async () => {
      await dataSource.destroy();
      await db.cleanup();
    });

    const ids = (page: { items: Array<{ requestId: string }> }) =>
      page.items.map((item) => item.requestId);

    it('lists logs newest first with every field, filtered exactly', async () => {
      const all = await repository.findSpendLogs({ limit: 10 });
      expect(ids(all)).toEqual(['r6', 'r5', 'r4', 'r3', 'r2', 'r1']);
      expect(all.next).toBeNull();
      expect(all.items[3]).toEqual({ ...ROWS[2], id: expect.stringMatching(/^\d+$/) });

      expect(ids(await repository.findSpendLogs({ limit: 10, keyId: 'vk-a' }))).toEqual([
        'r5',
        'r2',
        'r1',
      ]);
      expect(ids(await repository.findSpendLogs({ limit: 10, teamId: 'team-y' }))).toEqual([
        'r4',
        'r3',
      ]);
      const narrow = { limit: 10, userId: 'alice', model: 'gpt-4o' };
      expect(ids(await repository.findSpendLogs(narrow))).toEqual(['r5', 'r1']);
      expect(
        ids(await repository.findSpendLogs({ limit: 10, deploymentId: 'claude-dep' })),
      ).toEqual(['r6', 'r2']);
      expect(ids(await repository.findSpendLogs({ limit: 10, requestId: 'r3' }))).toEqual(['r3']);
      expect(ids(await repository.findSpendLogs({ limit: 10, keyId: 'vk-none' }))).toEqual([]);
    });

    it('bounds logs by time (since inclusive, until exclusive) to the millisecond', async () => {
      const day = {
        limit: 10,
        since: at('2025-11-28T00:00:00.000Z'),
        until: at('2025-11-28T18:30:00.000Z'),
      };
      expect(ids(await repository.findSpendLogs(day))).toEqual(['r5', 'r4', 'r3']);
    });

    it('pages with a keyset cursor, rows with the same time included', async () => {
      const seen: string[] = [];
      let page = await repository.findSpendLogs({ limit: 2 });
      seen.push(...ids(page));
      while (page.next) {
        page = await repository.findSpendLogs({ limit: 2, after: page.next });
        seen.push(...ids(page));
      }
      expect(seen).toEqual(['r6', 'r5', 'r4', 'r3', 'r2', 'r1']);
    });

    it('sums per key, highest spend first, with aliases and every counter', async () => {
      const report = await repository.spendReport({ groupBy: 'key', limit: 100 });
      expect(pick(report.rows)).toEqual([
        { group: 'vk-b', spend: 2.25, requests: 2, failedRequests: 0 },
        { group: 'vk-a', spend: 1.75, requests: 3, failedRequests: 1 },
        { group: null, spend: 0.125, requests: 1, failedRequests: 0 },
      ]);
      expect(report.rows[0]).toEqual({
        group: 'vk-b',
        keyAlias: 'alias-vk-b',
        spend: 2.25,
        requests: 2,
        failedRequests: 0,
        promptTokens: 350,
        completionTokens: 35,
        totalTokens: 385,
        cachedPromptTokens: 35,
        cacheCreationTokens: 2,
        reasoningTokens: 7,
      });
      expect(report.total).toMatchObject({ spend: 4.125, requests: 6, failedRequests: 1 });
      expect(report.total.promptTokens).toBe(660);
    });

    it('sums per team, user, model and deployment', async () => {
      const by = async (groupBy: 'team' | 'user' | 'model' | 'deployment') =>
        pick((await repository.spendReport({ groupBy, limit: 100 })).rows).map(
          ({ group, spend }) => [group, spend],
        );
      expect(await by('team')).toEqual([
        ['team-y', 2.25],
        ['team-x', 1.75],
        [null, 0.125],
      ]);
      expect(await by('user')).toEqual([
        ['bob', 2.25],
        ['alice', 1.75],
        [null, 0.125],
      ]);
      expect(await by('model')).toEqual([
        ['gpt-4o', 2.75],
        ['claude', 1.375],
      ]);
      expect(await by('deployment')).toEqual([
        ['gpt-4o-dep', 2.75],
        ['claude-dep', 1.375],
      ]);
    });

    it('buckets by UTC day in date order, and filters and limits reports', async () => {
      const days = await repository.spendReport({ groupBy: 'day', limit: 100 });
      expect(pick(days.rows)).toEqual([
        { group: '2025-11-27', spend: 1.75, requests: 2, failedRequests: 0 },
        { group: '2025-11-28', spend: 2.375, requests: 4, failedRequests: 1 },
      ]);
      const teamX = await repository.spendReport({
        groupBy: 'model',
        teamId: 'team-x',
        since: at('2025-11-27T10:00:00.000Z'),
        limit: 100,
      });
      expect(pick(teamX.rows)).toEqual([
        { group: 'claude', spend: 1.25, requests: 1, failedRequests: 0 },
        { group: 'gpt-4o', spend: 0, requests: 1, failedRequests: 1 },
      ]);
      expect(teamX.total).toMatchObject({ spend: 1.25, requests: 2 });
      const top = await repository.spendReport({ groupBy: 'key', limit: 1 });
      expect(top.rows.map((r) => r.group)).toEqual(['vk-b']);
      expect(top.total.requests).toBe(6);
    });

    it('reports zeros for a range without requests', async () => {
      const empty = await repository.spendReport({
        groupBy: 'team',
        since: at('2030-01-01T00:00:00.000Z'),
        limit: 100,
      });
      expect(empty.rows).toEqual([]);
      expect(empty.total).toEqual({
        spend: 0,
        requests: 0,
        failedRequests: 0,
        promptTokens: 0,
        completionTokens: 0,
        totalTokens: 0,
        cachedPromptTokens: 0,
        cacheCreationTokens: 0,
        reasoningTokens: 0,
      });
    });
  });
});
