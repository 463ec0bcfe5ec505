import { GatewayException } from '@routeiq/common';

export enum HealthErrorCode {
  OverCapacity = 'over_capacity',
}

/** Refusals of the health lib's raw-server gate. */
export class HealthException extends GatewayException {
  /** 503 with `Retry-After: 1`: more requests are in flight than `ROUTEIQ_MAX_CONCURRENT_REQUESTS`. */
  static overCapacity(): HealthException {
    return new HealthException({
      status: 503,
      code: HealthErrorCode.OverCapacity,
      type: 'server_error',
      message: 'The gateway is over capacity; retry shortly',
      headers: { 'retry-after': '1' },
    });
  }
}
