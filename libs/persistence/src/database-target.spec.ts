import { describeDatabaseTarget, resolveDatabaseTarget } from './database-target';
import { PersistenceErrorCode, type PersistenceException } from './persistence.exception';

describe(resolveDatabaseTarget.name, () => {
  const dataDir = '/var/lib/routeiq';

  it('prefers DATABASE_URL over general_settings.database_url', () => {
    expect(
      resolveDatabaseTarget({
        envUrl: 'postgres://env@db:5432/a',
        configUrl: 'postgresql://config@db:5432/b',
        dataDir,
      }),
    ).toEqual({ kind: 'postgres', url: 'postgres://env@db:5432/a' });
  });

  it('uses general_settings.database_url without DATABASE_URL', () => {
    expect(
      resolveDatabaseTarget({ envUrl: ' ', configUrl: 'postgresql://config@db/b', dataDir }),
    ).toEqual({ kind: 'postgres', url: 'postgresql://config@db/b' });
  });

  it('falls back to SQLite in the data directory', () => {
    expect(resolveDatabaseTarget({ dataDir })).toEqual({
      kind: 'sqlite',
      path: '/var/lib/routeiq/routeiq.sqlite',
    });
  });

  it('rejects a non-Postgres URL, naming where it came from', () => {
    let caught: unknown;
    try {
      resolveDatabaseTarget({ configUrl: 'mysql://u:secret@db/x', dataDir });
    } catch (error) {
      caught = error;
    }
    expect((caught as PersistenceException).code).toBe(PersistenceErrorCode.InvalidDatabaseUrl);
    expect((caught as Error).message).toContain('general_settings.database_url');
    expect((caught as Error).message).not.toContain('secret');
  });
});

describe(describeDatabaseTarget.name, () => {
  it('never includes the password or query parameters', () => {
    const text = describeDatabaseTarget({
      kind: 'postgres',
      url: 'postgresql://app:s3cr%40t-pw@db.internal:6543/routeiq?password=other-secret&sslmode=require',
    });
    expect(text).toBe('postgres://app@db.internal:6543/routeiq');
  });

  it('defaults the port and omits a missing user', () => {
    expect(describeDatabaseTarget({ kind: 'postgres', url: 'postgres://db/routeiq' })).toBe(
      'postgres://db:5432/routeiq',
    );
  });

  it('describes SQLite by path', () => {
    expect(describeDatabaseTarget({ kind: 'sqlite', path: '/data/routeiq.sqlite' })).toBe(
      'sqlite:/data/routeiq.sqlite',
    );
  });
});
