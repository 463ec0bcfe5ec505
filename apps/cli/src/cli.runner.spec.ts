import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@routeiq/testing';
import { PERSISTENCE_MIGRATIONS } from '@routeiq/persistence';
import { runCli, USAGE } from './cli.runner';

const MIGRATIONS = PERSISTENCE_MIGRATIONS.map((migration) => migration.name);
const LAST = MIGRATIONS[MIGRATIONS.length - 1] as string;

interface Run {
  code: number;
  out: string[];
  err: string[];
}

async function run(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  const result: Run = { code: -1, out: [], err: [] };
  result.code = await runCli(
    argv,
    { out: (line) => result.out.push(line), err: (line) => result.err.push(line) },
    env,
  );
  return result;
}

describe(runCli.name, () => {
  let dir: string;
  let pg: TestDatabase | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-cli-'));
  });

  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await pg?.drop();
    pg = undefined;
  });

  function configFile(databaseUrl: string): string {
    const path = join(dir, 'config.yaml');
    writeFileSync(path, `model_list: []\ngeneral_settings:\n  database_url: ${databaseUrl}\n`);
    return path;
  }

  it('prints usage for --help and exits 0', async () => {
    expect(await run(['--help'])).toEqual({ code: 0, out: [USAGE], err: [] });
  });

  it('shows a command its own usage, and refuses its unknown options with exit 2', async () => {
    const help = await run(['migrate', '--help']);
    expect(help.code).toBe(0);
    expect(help.out.join('\n')).toMatch(/^Usage: routeiq migrate \[--config <file>\]/);
    const bad = await run(['migrate', '--nope']);
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toMatch(
      /routeiq migrate: Unknown option '--nope'[\s\S]*Usage: routeiq migrate/,
    );
  });

  it('rejects an unknown command with usage on stderr and exit 2', async () => {
    const result = await run(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.out).toEqual([]);
    expect(result.err.join('\n')).toContain('unknown command frobnicate');
    expect(result.err.join('\n')).toContain(USAGE);
    expect((await run([])).code).toBe(2);
  });

  it('migrates, re-runs as a no-op and reverts the default SQLite database', async () => {
    const env = { ROUTEIQ_DATA_DIR: join(dir, 'state') };
    const first = await run(['migrate'], env);
    expect(first).toEqual({
      code: 0,
      out: [
        `database: sqlite:${join(dir, 'state', 'routeiq.sqlite')}`,
        ...MIGRATIONS.map((name) => `applied ${name}`),
        `${MIGRATIONS.length} migrations applied`,
      ],
      err: [],
    });
    expect((await run(['migrate'], env)).out).toContain('no pending migrations');
    expect((await run(['migrate:revert'], env)).out).toContain(`reverted ${LAST}`);
    for (let i = 1; i < MIGRATIONS.length; i++) await run(['migrate:revert'], env);
    expect((await run(['migrate:revert'], env)).out).toContain('no migration to revert');
  });

  it('reads general_settings.database_url from --config, and DATABASE_URL wins over it', async () => {
    pg = await createTestDatabase();
    const viaConfig = await run(['migrate', '--config', configFile(pg.url)], {
      ROUTEIQ_DATA_DIR: dir,
    });
    expect(viaConfig.code).toBe(0);
    expect(viaConfig.out[0]).toMatch(/^database: postgres:\/\//);
    expect(viaConfig.out).toContain('applied InitialSchema1764320000000');

    const envWins = await run(
      [`--config=${configFile('postgres://nobody@127.0.0.1:1/x')}`, 'migrate'],
      {
        DATABASE_URL: pg.url,
      },
    );
    expect(envWins.out).toContain('no pending migrations');
  });

  it('reports a failure as one scrubbed line on stderr with exit 1', async () => {
    const result = await run(['migrate'], {
      DATABASE_URL: 'postgres://app:hunter2-secret@127.0.0.1:1/routeiq',
    });
    expect(result.code).toBe(1);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(/^routeiq migrate: /);
    expect(result.err[0]).not.toContain('hunter2');
  });

  it('names an invalid DATABASE_URL', async () => {
    const result = await run(['migrate'], { DATABASE_URL: 'mysql://u:pw-secret@db/x' });
    expect(result.code).toBe(1);
    expect(result.err[0]).toContain('DATABASE_URL');
    expect(result.err[0]).not.toContain('pw-secret');
  });
});
