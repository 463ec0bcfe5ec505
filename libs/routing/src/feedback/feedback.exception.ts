import { GatewayException } from '@routeiq/common';

export enum FeedbackErrorCode {
  InvalidFeedback = 'invalid_feedback',
  RequestNotFound = 'request_not_found',
}

/** Errors of `POST /v1/feedback`. */
export class FeedbackException extends GatewayException {
  static invalid(message: string, param: string | null): FeedbackException {
    return new FeedbackException({
      status: 400,
      code: FeedbackErrorCode.InvalidFeedback,
      param,
      message,
    });
  }

  /** Also what another key's request looks like: whether it exists is not revealed. */
  static requestNotFound(): FeedbackException {
    return new FeedbackException({
      status: 404,
      code: FeedbackErrorCode.RequestNotFound,
      param: 'request_id',
      message:
        'No traced request with this id (only answered requests of your key are traced, and ' +
        'only while routing traces are on)',
    });
  }
}
