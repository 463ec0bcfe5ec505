export enum RemoteConfigErrorCode {
  /** The object (or its bucket) does not exist. */
  NotFound = 'remote_config_not_found',
  /** The store refused the credentials, or they could not be found. */
  AccessDenied = 'remote_config_access_denied',
  /** No answer: connection refused, DNS, timeout. */
  Unreachable = 'remote_config_unreachable',
  /** The store answered something else (a 5xx, an unreadable body, a missing ETag…). */
  Failed = 'remote_config_failed',
  /** The downloaded object could not be written over the local config file. */
  WriteFailed = 'remote_config_write_failed',
}

/**
 * A download of the remote config failed. The message is one line naming the object and the
 * cause, never a credential or the object's content, so it can be printed or logged as it is.
 */
export class RemoteConfigError extends Error {
  constructor(
    readonly code: RemoteConfigErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteConfigError';
  }
}
