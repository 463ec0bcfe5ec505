import { GatewayException } from '@routeiq/common';

export enum CostErrorCode {
  /** A bad `GET /spend/logs` or `GET /spend/report` query parameter. */
  InvalidSpendQuery = 'invalid_spend_query',
}

export class CostException extends GatewayException {
  static invalidQuery(param: string, message: string): CostException {
    return new CostException({
      status: 400,
      code: CostErrorCode.InvalidSpendQuery,
      message: `Invalid query parameter "${param}": ${message}`,
      param,
    });
  }
}
