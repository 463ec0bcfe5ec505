import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  createDataSource,
  RouterFeedbackStore,
  RouterTraceStore,
  runMigrationsLocked,
  type RouterTraceRecord,
} from '@routeiq/persistence';
import { loadDataset, type ScoreMatrix } from '@routeiq/routing';
import type { DataSource } from 'typeorm';
import {
  createTestTarget,
  DATABASE_KINDS,
  type TestTarget,
} from '../../../../libs/persistence/src/__fixtures__/test-databases';
import {
  routerFeedback,
  routerTrace,
  TRACE_T0,
} from '../../../../libs/persistence/src/router-traces/__fixtures__/router-trace.fixtures';
import { routeiq } from './__fixtures__/ml-cli.harness';

const HOUR = 3_600_000;
const at = (hours: number) => new Date(TRACE_T0.getTime() + hours * HOUR);

/** The score of `candidate` on `query`, NaN when unknown. */
function scoreOf(matrix: ScoreMatrix, query: string, candidate: string): number {
  const q = matrix.queries.indexOf(query);
  const c = matrix.candidates.indexOf(candidate);
  if (q === -1 || c === -1) throw new Error(`no ${query} x ${candidate}`);
  return matrix.scores[q * matrix.candidates.length + c]!;
}

describe('routeiq export-traces', () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;
    let dir: string;
    let env: Record<string, string>;
    const ids: Record<string, string> = {};

    async function seed(name: string, trace: Partial<RouterTraceRecord>, score?: number) {
      const row = routerTrace(trace);
      ids[name] = row.requestId;
      await new RouterTraceStore(dataSource).insertMany([row]);
      if (score !== undefined) {
        await new RouterFeedbackStore(dataSource).upsert(routerFeedback(row.requestId, { score }));
      }
    }

    beforeAll(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
      env =
        db.target.kind === 'postgres'
          ? { DATABASE_URL: db.target.url }
          : { ROUTEIQ_DATA_DIR: dirname(db.target.path) };
      const small = { routerCandidate: 'small', deploymentId: 'dep-small' };
      const large = { routerCandidate: 'large', deploymentId: 'dep-large', spend: 0.003 };
      await seed('mathSmall', { ...small, prompt: 'What is 2 + 2?', createdAt: at(1) }, 0);
      await seed('mathLarge', { ...large, prompt: 'What is 2 + 2?', createdAt: at(2) }, 1);
      await seed('mathAgain', { ...large, prompt: 'What is 2 + 2?', createdAt: at(3) }, 0.5);
      await seed('poem', { ...small, prompt: 'Write a haiku', createdAt: at(4), spend: null }, 1);
      const shuffled = { routerCandidate: null, strategy: 'simple-shuffle', deploymentId: 'dep-x' };
      await seed('shuffled', { ...shuffled, prompt: 'Hello', createdAt: at(5) }, 0.25);
      await seed('noPrompt', { prompt: null, createdAt: at(6) }, 1);
      await seed('unrated', { prompt: 'Never rated', createdAt: at(7) });
      await seed('otherGroup', { modelGroup: 'gpt-4o', prompt: 'Elsewhere', createdAt: at(8) }, 1);
    });

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'routeiq-export-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    afterAll(async () => {
      await dataSource?.destroy();
      await db?.cleanup();
    });

    const exportTo = async (name: string, ...args: string[]) => {
      const out = join(dir, name);
      const run = await routeiq(['export-traces', '--out', out, ...args], env);
      return { run, out };
    };
    const lines = (file: string) =>
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);

    it('writes LLMRouter long-format rows that the long-format reader turns into a ScoreMatrix', async () => {
      const { run, out } = await exportTo('traces.jsonl');
      expect(run.code).toBe(0);
      expect(run.out).toEqual([
        `exported 6 rated answers (4 prompts x 3 candidates) as 6 long lines to ${out}`,
        'skipped 1 rated traces without prompt text (traced while LLMROUTER_TRACE_PROMPTS was off)',
      ]);
      const rows = lines(out);
      expect(rows.map((row) => row.request_id)).toEqual(
        ['mathSmall', 'mathLarge', 'mathAgain', 'poem', 'shuffled', 'otherGroup'].map(
          (n) => ids[n],
        ),
      );
      expect(rows[1]).toEqual({
        query: 'What is 2 + 2?',
        model_name: 'large',
        performance: 1,
        prompt_tokens: 12,
        completion_tokens: 30,
        cost: 0.003,
        request_id: ids.mathLarge,
        created_at: at(2).toISOString(),
      });
      expect(rows[3]).not.toHaveProperty('cost');
      expect(JSON.stringify(rows)).not.toMatch(/[0-9a-f]{64}/);

      const dataset = loadDataset(out);
      expect(dataset.format).toBe('llmrouter-long');
      const { matrix } = dataset;
      expect(matrix.candidates).toEqual(['dep-x', 'large', 'small']);
      expect(matrix.queries).toHaveLength(4);
      expect(scoreOf(matrix, 'What is 2 + 2?', 'large')).toBe(0.75);
      expect(scoreOf(matrix, 'What is 2 + 2?', 'small')).toBe(0);
      expect(scoreOf(matrix, 'Hello', 'dep-x')).toBe(0.25);
      expect(scoreOf(matrix, 'Write a haiku', 'large')).toBeNaN();
      expect(dataset.stats.duplicateQueries).toBe(1);
    });

    it('writes a per-prompt score matrix with --format matrix', async () => {
      const { run, out } = await exportTo('matrix.jsonl', '--format', 'matrix');
      expect(run.code).toBe(0);
      expect(lines(out)[0]).toEqual({ query: 'What is 2 + 2?', scores: { small: 0, large: 0.75 } });
      const dataset = loadDataset(out);
      expect(dataset.format).toBe('score-matrix');
      expect(scoreOf(dataset.matrix, 'What is 2 + 2?', 'large')).toBe(0.75);
      expect(dataset.matrix.queries).toHaveLength(4);
    });

    it('filters by model group, time range and rated answers per prompt', async () => {
      const ids_ = async (...args: string[]) => {
        const { run, out } = await exportTo(
          `f-${args.join('_').replace(/\W/g, '')}.jsonl`,
          ...args,
        );
        expect(run.code).toBe(0);
        return run.out[0]!.startsWith('exported 0 ') ? [] : lines(out).map((r) => r.request_id);
      };
      expect(await ids_('--model-group', 'gpt-4o')).toEqual([ids.otherGroup]);
      expect(await ids_('--since', at(2).toISOString(), '--until', at(4).toISOString())).toEqual([
        ids.mathLarge,
        ids.mathAgain,
      ]);
      expect(await ids_('--min-feedback', '3')).toEqual([
        ids.mathSmall,
        ids.mathLarge,
        ids.mathAgain,
      ]);
      expect(await ids_('--min-feedback', '4')).toEqual([]);
    });

    it('writes an empty file and says so when nothing matches', async () => {
      const { run, out } = await exportTo('none.jsonl', '--model-group', 'nothing');
      expect(run.code).toBe(0);
      expect(run.out[run.out.length - 1]).toBe('nothing to train on: the file is empty');
      expect(readFileSync(out, 'utf8')).toBe('');
    });

    it.each([
      [[], '--out <file.jsonl> is required'],
      [['--out', 'x.jsonl', '--since', 'yesterday'], '--since must be an ISO 8601'],
      [['--out', 'x.jsonl', '--format', 'csv'], '--format must be long or matrix'],
      [['--out', 'x.jsonl', '--min-feedback', '0'], '--min-feedback must be an integer'],
      [
        ['--out', 'x.jsonl', '--since', '2026-02-01', '--until', '2026-01-01'],
        '--since must be before --until',
      ],
    ])('refuses %j as a usage error', async (args, message) => {
      const run = await routeiq(['export-traces', ...args], env);
      expect(run.code).toBe(2);
      expect(run.err[0]).toContain(message);
    });
  });

  it('refuses a database that has not been migrated', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'routeiq-export-empty-'));
    try {
      const run = await routeiq(['export-traces', '--out', join(empty, 'x.jsonl')], {
        ROUTEIQ_DATA_DIR: empty,
      });
      expect(run.code).toBe(1);
      expect(run.err[run.err.length - 1]).toContain('pending migrations: run routeiq migrate');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
