import { scrubSecrets } from '@routeiq/common';
import { QueryFailedError } from 'typeorm';

const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi;

/**
 * A short, log-safe reason for a database error. Server messages of failed queries can quote row
 * values, so for those only the driver code is kept; other messages are scrubbed of URLs and
 * secrets.
 */
export function describeDatabaseError(error: unknown): string {
  // Native driver errors may come from another realm, so duck-type rather than `instanceof Error`.
  if (typeof error !== 'object' || error === null || !('message' in error)) return 'unknown error';
  const { message: raw } = error;
  const code = errorCode(error);
  // Server-side errors carry a code (SQLSTATE, SQLITE_*); client-side ones (lost connection) do not.
  if (error instanceof QueryFailedError && code) return `query failed (${code})`;
  const message = scrubSecrets(String(raw)).replace(URL_PATTERN, '[url]').slice(0, 200);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/** Postgres `unique_violation`; better-sqlite3 reports primary-key and unique conflicts apart. */
const UNIQUE_VIOLATION_CODES = new Set([
  '23505',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
  'SQLITE_CONSTRAINT_UNIQUE',
]);

/** True when a query failed because a row with the same primary or unique key exists. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = errorCode(error);
  return code !== undefined && UNIQUE_VIOLATION_CODES.has(code);
}

function errorCode(error: object): string | undefined {
  const holder = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = holder.code ?? holder.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}
