import { GatewayException, type GatewayErrorInit } from '@routeiq/common';
import type { QuotaMetric, QuotaSubjectKind, QuotaWindow } from './quota.types';

export enum QuotaErrorCode {
  QuotaExceeded = 'quota_exceeded',
  QuotaStorageUnavailable = 'quota_storage_unavailable',
}

export interface QuotaExceededDetails {
  readonly metric: QuotaMetric;
  readonly window: QuotaWindow;
  /** In the metric's unit: requests, tokens or USD. */
  readonly limit: number;
  readonly subject: QuotaSubjectKind;
  /** What the limit is scoped to, for the message (e.g. `on agent "travel"`); none when general. */
  readonly scope?: string;
  /** Seconds until the window ends; undefined for a lifetime budget, which never resets. */
  readonly retryAfterSeconds: number | undefined;
}

const WINDOW_TEXT: Readonly<Record<QuotaWindow, string>> = {
  minute: 'per minute',
  hour: 'per hour',
  day: 'per day',
  month: 'per month',
  budget: 'per budget period',
};

/** Quota refusals. A 429 carries `Retry-After` in `headers` (rendered by the global filter). */
export class QuotaException extends GatewayException {
  constructor(
    init: GatewayErrorInit,
    /** What was exceeded; set on `quota_exceeded` only. */
    readonly details?: QuotaExceededDetails,
  ) {
    super(init);
  }

  /** Seconds to send as `Retry-After` (also in `headers`), when the limit resets. */
  get retryAfterSeconds(): number | undefined {
    return this.details?.retryAfterSeconds;
  }

  static quotaExceeded(details: QuotaExceededDetails): QuotaException {
    const { metric, window, limit, subject, scope, retryAfterSeconds } = details;
    const holder = scope === undefined ? subject : `${subject} ${scope}`;
    const amount = metric === 'spend_usd' ? `$${limit}` : `${limit} ${metric.replace('_', ' ')}`;
    const retry = retryAfterSeconds === undefined ? '' : `; retry in ${retryAfterSeconds} s`;
    return new QuotaException(
      {
        status: 429,
        code: QuotaErrorCode.QuotaExceeded,
        message: `Quota exceeded: ${metric} ${WINDOW_TEXT[window]} for this ${holder} is limited to ${amount}${retry}`,
        headers:
          retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
      },
      details,
    );
  }

  static storageUnavailable(cause?: unknown): QuotaException {
    return new QuotaException({
      status: 503,
      code: QuotaErrorCode.QuotaStorageUnavailable,
      type: 'server_error',
      message: 'Quota storage is unavailable; try again shortly',
      cause,
    });
  }
}
