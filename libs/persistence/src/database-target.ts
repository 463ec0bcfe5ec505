import { join } from 'node:path';
import { PersistenceException } from './persistence.exception';

export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'sqlite'; readonly path: string };

export interface DatabaseTargetInput {
  /** `DATABASE_URL` */
  readonly envUrl?: string;
  /** `general_settings.database_url` of the YAML config */
  readonly configUrl?: string;
  /** Absolute data directory; the SQLite file lives here when no URL is set. */
  readonly dataDir: string;
}

export const SQLITE_FILE_NAME = 'routeiq.sqlite';

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;

/** True for a `postgres://` or `postgresql://` URL. */
export function isPostgresUrl(value: string): boolean {
  return POSTGRES_URL.test(value);
}

/**
 * Picks the database: `DATABASE_URL` wins over `general_settings.database_url`; without either the
 * gateway uses the SQLite file `<dataDir>/routeiq.sqlite`.
 */
export function resolveDatabaseTarget(input: DatabaseTargetInput): DatabaseTarget {
  const candidates: ReadonlyArray<readonly [string | undefined, string]> = [
    [input.envUrl, 'DATABASE_URL'],
    [input.configUrl, 'general_settings.database_url'],
  ];
  for (const [value, source] of candidates) {
    const url = value?.trim();
    if (!url) continue;
    if (!isPostgresUrl(url)) throw PersistenceException.invalidDatabaseUrl(source);
    return { kind: 'postgres', url };
  }
  return { kind: 'sqlite', path: join(input.dataDir, SQLITE_FILE_NAME) };
}

/** A log-safe description: `postgres://user@host:5432/db` (never the password) or `sqlite:<path>`. */
export function describeDatabaseTarget(target: DatabaseTarget): string {
  if (target.kind === 'sqlite') return `sqlite:${target.path}`;
  try {
    const url = new URL(target.url);
    const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
    return `postgres://${user}${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'postgres://[unparseable url]';
  }
}
