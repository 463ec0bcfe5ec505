import { GatewayException } from '@routeiq/common';

export enum LeaderErrorCode {
  /** The fencing token is no longer the current leader's: a newer leader may be acting. */
  StaleFencingToken = 'stale_fencing_token',
}

/** Errors of leader election; a job that sees one must not write. */
export class LeaderException extends GatewayException {
  static staleFencingToken(token: number): LeaderException {
    return new LeaderException({
      status: 409,
      code: LeaderErrorCode.StaleFencingToken,
      message: `fencing token ${token} is stale: this replica is no longer the leader`,
    });
  }
}
