import type { DataSource } from 'typeorm';

/** How TypeORM stores a `Date` in a SQLite `datetime` column (UTC, no `T`/`Z`). */
export function toSqliteDatetime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * A `Date` as a bound parameter in a hand-written condition: better-sqlite3 cannot bind `Date`
 * objects, and its stored form must compare as text.
 */
export function sqlDate(dataSource: DataSource, date: Date): Date | string {
  return dataSource.options.type === 'better-sqlite3' ? toSqliteDatetime(date) : date;
}
