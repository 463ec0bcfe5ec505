import { GatewayException } from '@routeiq/common';

export enum PersistenceErrorCode {
  InvalidDatabaseUrl = 'invalid_database_url',
  DatabaseUnavailable = 'database_unavailable',
}

/** Errors raised by the persistence layer; messages never carry URLs, passwords or row data. */
export class PersistenceException extends GatewayException {
  static invalidDatabaseUrl(source: string): PersistenceException {
    return new PersistenceException({
      status: 500,
      code: PersistenceErrorCode.InvalidDatabaseUrl,
      message: `${source} must be a postgres:// or postgresql:// URL`,
    });
  }

  static unavailable(reason: string, cause?: unknown): PersistenceException {
    return new PersistenceException({
      status: 503,
      code: PersistenceErrorCode.DatabaseUnavailable,
      message: `Database unavailable: ${reason}`,
      cause,
    });
  }
}
